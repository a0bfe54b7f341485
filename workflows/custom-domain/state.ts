import type { DomainCheck } from '../../activities/domains.js';
import type { CustomDomainInput, CustomDomainView, DomainSettings, PendingDomain, ServedDomain } from './contract.js';

/** Checks after which the run continues as new, keeping its history short for a domain served for years. */
export const CHECKS_PER_RUN = 500;

/** What follows a check of the domain being proven. */
export type PendingStep =
  /** The owner connected another domain meanwhile, or this one is gone: check again at once. */
  | { kind: 'next' }
  /** The site is cancelled: the workflow ends. */
  | { kind: 'site_closed' }
  /** Its records are in place: mark it verified. */
  | { kind: 'verify' }
  /** The verification window ended: mark it failed. */
  | { kind: 'fail' }
  /** Check again after `ms` (or earlier when woken). */
  | { kind: 'wait'; ms: number };

/** What follows a re-check of the served domain. */
export type ServedStep = 'keep' | 'site_closed' | 'lapse';

/**
 * The decisions of a site's custom domain, without I/O: which domain is being proven and which is served, the
 * back-off between checks, when verification fails, when a served domain lapses, and what the query shows. Times
 * are passed in, so the workflow shell supplies its deterministic clock.
 */
export class DomainProgress {
  private pending: PendingDomain | null;
  private served: ServedDomain | null;
  private removed = false;
  private checkNow = false;
  private paused = false;
  private lastOutcome: string | null = null;
  private checks = 0;

  constructor(
    input: Pick<CustomDomainInput, 'pending' | 'served'>,
    private readonly settings: DomainSettings,
  ) {
    this.pending = input.pending ?? null;
    this.served = input.served ?? null;
  }

  /** What the state query answers. */
  view(): CustomDomainView {
    return { pending: this.pending, served: this.served, paused: this.paused, lastOutcome: this.lastOutcome };
  }

  /** What a continued run starts from. */
  carried(): Pick<CustomDomainInput, 'pending' | 'served'> {
    return { pending: this.pending, served: this.served };
  }

  /** The domain being proven, if any. */
  get pendingDomain(): PendingDomain | null {
    return this.pending;
  }

  /** The owner connected `recordId` at `nowMs`: it is proven from now on (a redelivered signal changes nothing). */
  connected(recordId: string, nowMs: number): void {
    if (this.pending?.recordId !== recordId) this.pending = { recordId, startedAtMs: nowMs, checks: 0 };
  }

  /** The owner asked for an immediate check. */
  requestCheck(): void {
    this.checkNow = true;
  }

  /** The owner disconnected the domain. */
  remove(): void {
    this.removed = true;
  }

  /** True while there is a domain to look after. */
  get watching(): boolean {
    return !this.removed && (this.pending !== null || this.served !== null);
  }

  /** Counts a check; false once this run has made its share (the shell then continues as new). */
  startCheck(): boolean {
    if (this.checks >= CHECKS_PER_RUN) return false;
    this.checks += 1;
    return true;
  }

  /** The record a wait watches: a newly connected domain ends it. */
  get watchedRecord(): string | undefined {
    return this.pending?.recordId;
  }

  /** True when a wait that watches `watching` ends early: "check now", removal, or another domain connected. */
  wakes(watching: string | undefined): boolean {
    return this.checkNow || this.removed || this.pending?.recordId !== watching;
  }

  /** A wait ended: an asked-for check is being made. */
  awoke(): void {
    this.checkNow = false;
  }

  /** Takes in the check of the pending domain `current`, made at `nowMs`; answers what follows. */
  pendingChecked(current: PendingDomain, result: DomainCheck, nowMs: number): PendingStep {
    if (this.pending !== current) return { kind: 'next' };
    this.paused = result.state === 'paused';
    if (result.state === 'site_closed') return this.siteClosed();
    if (result.state === 'gone') {
      this.pending = null;
      return { kind: 'next' };
    }
    if (result.state === 'checked' && result.tokenFound && result.pointsToPlatform) return { kind: 'verify' };
    const left = current.startedAtMs + this.settings.verifyTimeoutMs - nowMs;
    if (left <= 0 && !this.paused) return { kind: 'fail' };
    current.checks += 1;
    const backoff = Math.min(this.settings.checkMinMs * 2 ** Math.min(current.checks - 1, 30), this.settings.checkMaxMs);
    return { kind: 'wait', ms: this.paused ? this.settings.recheckIntervalMs : Math.min(backoff, Math.max(left, 1)) };
  }

  /** `current` is no longer being proven (verified, taken or failed), unless another domain replaced it meanwhile. */
  settlePending(current: PendingDomain): void {
    this.pending = this.pending === current ? null : this.pending;
  }

  /** The domain is verified for another site: this one does not serve it. */
  taken(): void {
    this.lastOutcome = 'taken';
  }

  /** `recordId` is verified and served from now on. */
  serve(recordId: string): void {
    this.served = { recordId, missingSinceMs: null };
    this.lastOutcome = 'verified';
  }

  /** The pending domain `current` did not verify in time. */
  failed(current: PendingDomain): void {
    this.settlePending(current);
    this.lastOutcome = 'failed';
  }

  /** The served domain, unless a removal or a newly connected domain comes first. */
  servedToCheck(): ServedDomain | null {
    return this.removed || this.pending ? null : this.served;
  }

  /** Takes in the re-check of the served domain `current`, made at `nowMs`; answers what follows. */
  servedChecked(current: ServedDomain, result: DomainCheck, nowMs: number): ServedStep {
    this.paused = result.state === 'paused';
    if (result.state === 'site_closed') return this.siteClosed().kind;
    if (result.state === 'gone') this.served = null;
    if (result.state !== 'checked') return 'keep';
    if (result.tokenFound && result.pointsToPlatform) {
      current.missingSinceMs = null;
      return 'keep';
    }
    current.missingSinceMs ??= nowMs;
    return nowMs - current.missingSinceMs >= this.settings.lapseAfterMs ? 'lapse' : 'keep';
  }

  /** The served domain's records stayed missing: it is no longer served. */
  lapsed(): void {
    this.served = null;
    this.lastOutcome = 'lapsed';
  }

  /** How the workflow ended. */
  outcome(): string {
    return this.lastOutcome ?? (this.removed ? 'removed' : 'idle');
  }

  private siteClosed(): { kind: 'site_closed' } {
    this.lastOutcome = 'site_closed';
    return { kind: 'site_closed' };
  }
}
