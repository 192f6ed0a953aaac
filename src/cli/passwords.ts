import fs = require('node:fs');
import { UsageError } from './command';

/** The option every command that opens keystores takes; the empty password is always tried first. */
export const PASSWORD_OPTIONS = { 'password-file': { type: 'string' as const } };

export const PASSWORD_USAGE = `  --password-file FILE
                 keystore passwords (PKCS#12, JKS, JCEKS), one per line, tried after the
                 empty password; PKI_LENS_PASSWORD adds one more. Passwords are never printed.
`;

/**
 * Keystore passwords from --password-file (each line one password, a trailing CR dropped) and
 * PKI_LENS_PASSWORD. Never echoed: a file that cannot be read is named, its content never.
 */
export function keystorePasswords(passwordFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (passwordFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(passwordFile, 'utf8');
    } catch (e) {
      throw new UsageError(`--password-file: cannot read ${passwordFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    out.push(...text.split('\n').map(line => line.replace(/\r$/, '')).filter(line => line !== ''));
  }
  const fromEnv = env.PKI_LENS_PASSWORD;
  if (fromEnv) {
    out.push(fromEnv);
  }
  return [...new Set(out)];
}
