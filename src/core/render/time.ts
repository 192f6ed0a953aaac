import { DAY } from '../x509/time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "23 days", "5 hours", "2 years": the largest unit that reads naturally. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) {
    return plural(Math.max(1, Math.round(abs / MINUTE)), 'minute');
  }
  if (abs < 2 * DAY) {
    return plural(Math.round(abs / HOUR), 'hour');
  }
  const days = Math.floor(abs / DAY);
  if (days < 730) {
    return plural(days, 'day');
  }
  return plural(Math.floor(days / 365), 'year');
}

/** "expires in 23 days", "expired 3 days ago", "not valid for another 2 days". */
export function validityPhrase(notBefore: Date, notAfter: Date, now: Date): string {
  const t = now.getTime();
  if (t < notBefore.getTime()) {
    return `not valid for another ${duration(notBefore.getTime() - t)}`;
  }
  if (t > notAfter.getTime()) {
    return `expired ${duration(t - notAfter.getTime())} ago`;
  }
  return `expires in ${duration(notAfter.getTime() - t)}`;
}

/** Compact form for tree descriptions: "expires in 23 d", "expired 3 d ago". */
export function shortValidityPhrase(notBefore: Date, notAfter: Date, now: Date): string {
  const t = now.getTime();
  const days = (ms: number) => `${Math.floor(ms / DAY)} d`;
  if (t < notBefore.getTime()) {
    return `valid in ${days(notBefore.getTime() - t)}`;
  }
  if (t > notAfter.getTime()) {
    return `expired ${days(t - notAfter.getTime())} ago`;
  }
  return `expires in ${days(notAfter.getTime() - t)}`;
}

/**
 * The tree's description, as short as it can be read: `10 d` left, `expired 3 d`, `valid in 2 d`;
 * hours under a day (`5 h`), so "0 d" never hides an imminent expiry.
 */
export function compactValidity(notBefore: Date, notAfter: Date, now: Date): string {
  const t = now.getTime();
  const span = (ms: number) => (ms < DAY ? `${Math.floor(ms / HOUR)} h` : `${Math.floor(ms / DAY)} d`);
  if (t < notBefore.getTime()) {
    return `valid in ${span(notBefore.getTime() - t)}`;
  }
  if (t > notAfter.getTime()) {
    return `expired ${span(t - notAfter.getTime())}`;
  }
  return span(notAfter.getTime() - t);
}

/** `2026-11-22 20:19 UTC`: unambiguous, sortable, no locale surprises. */
export function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}
