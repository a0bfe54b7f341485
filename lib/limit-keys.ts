import { createHmac } from 'node:crypto';
import { limitAddress } from './client-address.js';
import type { AppConfig, RateLimit } from './config.js';

/**
 * Names rate-limit counters: the kind of limit and a keyed digest (HMAC-SHA256 with a configured secret) of what it
 * counts, so `rate_limit_counters` holds no email or client address in clear, and nobody holding a copy of the table
 * can confirm a guessed address by hashing it. Client addresses count by `limitAddress` (IPv6 by its /64).
 */
export class LimitKeys {
  constructor(private readonly secret: string) {}

  /** The keys of this configuration: the secret is `ANALYTICS_SALT`, the secret that already keys visitor hashes. */
  static from(config: Pick<AppConfig, 'analytics'>): LimitKeys {
    return new LimitKeys(config.analytics.salt);
  }

  /** A counter's key for the kind of limit and what it counts. */
  key(kind: string, ...subject: string[]): string {
    return `${kind}:${createHmac('sha256', this.secret).update([kind, ...subject].join('\u0000')).digest('base64url')}`;
  }

  /** A counter's key for a client address (an IPv6 address counts by its /64). */
  address(kind: string, ip: string): string {
    return this.key(kind, limitAddress(ip));
  }

  /** Failure limits of a sign-in attempt: per client address, and per account from that address. */
  signIn(limit: RateLimit, kind: string, account: string, ip: string): FailureLimit[] {
    return [
      { key: this.address(`${kind}-ip`, ip), max: limit.perIp, windowMs: limit.windowMs, what: 'from this address' },
      { key: this.key(`${kind}-account`, account, limitAddress(ip)), max: limit.perEmail, windowMs: limit.windowMs, what: 'for this account from this address' },
    ];
  }
}

/** A failure-counting limit: `max` failures per key before back-off starts; failures are forgotten after `windowMs` without one. */
export interface FailureLimit {
  key: string;
  max: number;
  windowMs: number;
  what: string;
}
