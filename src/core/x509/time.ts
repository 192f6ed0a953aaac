/**
 * ASN.1 times (UTCTime, GeneralizedTime) to instants, and the one `DAY` every module counts in.
 *
 * Hand-written rather than taken from @peculiar/asn1-schema, whose reader turns `YYMMDDHHMMZ`
 * (no seconds) into 1899-11-30, ignores `+hhmm`/`-hhmm` offsets and maps GeneralizedTime years
 * 0000–0099 to 1900–1999 (JavaScript's two-digit-year rule in `Date.UTC`).
 *
 * What is accepted is what OpenSSL 3 (`ossl_asn1_time_to_tm`) accepts, so every certificate
 * `openssl x509` shows gets the date `openssl x509 -dates` prints:
 * - UTCTime `YYMMDDHHMM[SS](Z|±hhmm)`, YY < 50 meaning 20YY (RFC 5280 §4.1.2.5.1);
 * - GeneralizedTime `YYYYMMDDHHMM[SS[.f+]](Z|±hhmm)`;
 * - every field in range (day within its month, leap years counted), offset hours ≤ 12.
 * Go (`crypto/x509` through cryptobyte's ReadASN1UTCTime / ReadASN1GeneralizedTime, Go 1.24/1.25)
 * is stricter, and a certificate it refuses fails to parse for kubectl and the kubelet:
 * - GeneralizedTime must carry seconds (`20060102150405.999999999Z0700`);
 * - a fraction is accepted only with '.', without trailing zeros (`.5`, not `.50`, not `,5`);
 * - an offset of `+0000`/`-0000` is refused (Go re-serialises it as `Z` and compares);
 * - offset hours up to 23 pass Go but not OpenSSL (both are vanishingly rare).
 * `goRefusesTime` names the first three so a verifier can say so; dates themselves agree.
 *
 * Fractional seconds: JavaScript dates hold milliseconds, Go's nanoseconds. NotAfter rounds down
 * and NotBefore up, so that for any `now` in whole milliseconds `now > notAfter` and
 * `now < notBefore` give exactly Go's `now.After(NotAfter)` / `now.Before(NotBefore)`.
 */

/** One day in milliseconds. */
export const DAY = 86_400_000;

const TIME_SHAPE: Record<number, RegExp> = {
  // groups: year, month, day, hour, minute, second?, fraction?, zone
  0x17: /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?()(Z|[+-]\d{4})$/,
  0x18: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{4})$/,
};

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type TimeRounding = 'down' | 'up';

/**
 * The instant an ASN.1 time (`tag` 0x17 UTCTime or 0x18 GeneralizedTime, `text` its content)
 * stands for, or undefined when OpenSSL would call it a bad time value. `round`: which way a
 * fraction of a millisecond goes (see above: 'down' for NotAfter, 'up' for NotBefore).
 */
export function parseAsn1Time(tag: number, text: string, round: TimeRounding = 'down'): Date | undefined {
  const m = TIME_SHAPE[tag]?.exec(text);
  if (!m) {
    return undefined;
  }
  let year = Number(m[1]);
  if (tag === 0x17) {
    year += year < 50 ? 2000 : 1900;
  }
  const [month, day, hour, minute] = [m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] ? Number(m[6]) : 0;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1] + (month === 2 && leap ? 1 : 0)
    || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(3, 5));
    if (oh > 12 || om > 59) {
      return undefined;
    }
    offset = (m[8][0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  let ms = 0;
  if (m[7]) {
    // Milliseconds from the first three digits; any further non-zero digit rounds as asked.
    const digits = m[7].padEnd(3, '0');
    ms = Number(digits.slice(0, 3));
    if (round === 'up' && /[1-9]/.test(digits.slice(3))) {
      ms += 1;
    }
  }
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return new Date(date.getTime() - offset);
}

/** Why Go's certificate parser (see above) refuses a time OpenSSL reads, or undefined when it takes it. */
export function goRefusesTime(tag: number, text: string): string | undefined {
  const m = TIME_SHAPE[tag]?.exec(text);
  if (!m) {
    return undefined;
  }
  if (tag === 0x18 && m[6] === undefined) {
    return 'a GeneralizedTime without seconds';
  }
  if (m[7]?.endsWith('0')) {
    return 'a fraction of a second with trailing zeros';
  }
  if (/^[+-]0000$/.test(m[8])) {
    return `a zero offset written as ${m[8]} instead of Z`;
  }
  return undefined;
}

/** The text of an ASN.1 time's content bytes (ASCII; anything else fails the shape test). */
export function asn1TimeText(bytes: Uint8Array): string {
  return bytes.length > 64 ? '' : String.fromCharCode(...bytes);
}
