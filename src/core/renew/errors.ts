/** Why the core refuses a renewal; the command layer adds its own codes (see features/renew/model.ts). */
export type RenewalErrorCode =
  | 'invalid-input'
  | 'ca-key-mismatch'
  | 'not-a-ca'
  | 'ca-expired'
  | 'ca-not-yet-valid'
  | 'not-issued-by-ca'
  | 'is-the-ca'
  | 'not-self-signed'
  | 'key-mismatch'
  | 'encrypted-key'
  | 'unsupported-key'
  | 'invalid-key'
  | 'invalid-name'
  | 'name-forbidden'
  | 'bad-csr-signature';

/**
 * Why a renewal was refused; the message is written for the operator. The one refusal type of
 * renewal: the commands throw it too, with their wider set of codes (`RenewalError<RenewErrorCode>`).
 */
export class RenewalError<Code extends string = RenewalErrorCode> extends Error {
  constructor(readonly code: Code, message: string) {
    super(message);
    this.name = 'RenewalError';
  }
}
