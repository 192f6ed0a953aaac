import type { CertificateInfo } from './types';
import { DAY } from './time';

export type ValidityState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

/** When a certificate counts as expiring: either threshold is enough. */
export interface ExpiryThresholds {
  warningDays: number;
  /** Percent of the whole lifetime after which it is expiring (80 = the last fifth). */
  warningLifetimePercent: number;
  /** Within this many days an expiring certificate is an error. */
  errorDays: number;
}

export const DEFAULT_THRESHOLDS: ExpiryThresholds = { warningDays: 30, warningLifetimePercent: 80, errorDays: 7 };


export function validityState(cert: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now: Date, thresholds: ExpiryThresholds = DEFAULT_THRESHOLDS): ValidityState {
  const t = now.getTime();
  if (t < cert.notBefore.getTime()) {
    return 'not-yet-valid';
  }
  if (t > cert.notAfter.getTime()) {
    return 'expired';
  }
  const remaining = cert.notAfter.getTime() - t;
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  const used = lifetime > 0 ? ((t - cert.notBefore.getTime()) / lifetime) * 100 : 100;
  if (remaining <= thresholds.warningDays * DAY || used >= thresholds.warningLifetimePercent) {
    return 'expiring';
  }
  return 'valid';
}

/** Days left until NotAfter (negative once expired), rounded down. */
export function daysLeft(cert: Pick<CertificateInfo, 'notAfter'>, now: Date): number {
  return Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY);
}
