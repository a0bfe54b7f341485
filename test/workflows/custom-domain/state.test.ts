import { describe, expect, it } from 'vitest';
import type { DomainCheck } from '../../../activities/domains.js';
import { CHECKS_PER_RUN, DomainProgress } from '../../../workflows/custom-domain/state.js';

const settings = { verifyTimeoutMs: 1_000, checkMinMs: 10, checkMaxMs: 80, recheckIntervalMs: 500, lapseAfterMs: 300 };
const missing: DomainCheck = { state: 'checked', domain: 'joe.example', tokenFound: true, pointsToPlatform: false };
const found: DomainCheck = { state: 'checked', domain: 'joe.example', tokenFound: true, pointsToPlatform: true };

/** A progress proving record `r1`, connected at time 0. */
function proving(): DomainProgress {
  const progress = new DomainProgress({}, settings);
  progress.connected('r1', 0);
  return progress;
}

describe('DomainProgress: proving a connected domain', () => {
  it('checks with doubling back-off up to the maximum, never past the verification window', () => {
    const progress = proving();
    const current = progress.pendingDomain!;
    const waits = [0, 0, 0, 0, 0].map(() => progress.pendingChecked(current, missing, 100));
    expect(waits).toEqual([10, 20, 40, 80, 80].map((ms) => ({ kind: 'wait', ms })));
    expect(progress.pendingChecked(current, missing, 995)).toEqual({ kind: 'wait', ms: 5 });
  });

  it('verifies a domain whose records are in place, and fails it once the window ended (not while the site is paused)', () => {
    const progress = proving();
    const current = progress.pendingDomain!;
    expect(progress.pendingChecked(current, found, 100)).toEqual({ kind: 'verify' });
    expect(progress.pendingChecked(current, { state: 'paused' }, 1_000)).toEqual({ kind: 'wait', ms: settings.recheckIntervalMs });
    expect(progress.view().paused).toBe(true);
    expect(progress.pendingChecked(current, missing, 1_000)).toEqual({ kind: 'fail' });
    progress.failed(current);
    expect(progress.view()).toMatchObject({ pending: null, lastOutcome: 'failed', paused: false });
    expect(progress.watching).toBe(false);
  });

  it('ignores a check of a domain another one replaced meanwhile, and keeps the replacement when settling', () => {
    const progress = proving();
    const first = progress.pendingDomain!;
    progress.connected('r1', 50);
    expect(progress.pendingDomain).toBe(first);
    progress.connected('r2', 60);
    expect(progress.pendingChecked(first, found, 100)).toEqual({ kind: 'next' });
    progress.settlePending(first);
    expect(progress.pendingDomain).toMatchObject({ recordId: 'r2', startedAtMs: 60, checks: 0 });
  });

  it('serves a verified domain, notes one taken by another site, and ends when the site is closed', () => {
    const progress = proving();
    const current = progress.pendingDomain!;
    progress.settlePending(current);
    progress.taken();
    expect(progress.view()).toMatchObject({ pending: null, served: null, lastOutcome: 'taken' });
    progress.serve('r1');
    expect(progress.view()).toMatchObject({ served: { recordId: 'r1', missingSinceMs: null }, lastOutcome: 'verified' });
    const closing = proving();
    expect(closing.pendingChecked(closing.pendingDomain!, { state: 'site_closed' }, 0)).toEqual({ kind: 'site_closed' });
    expect(closing.view().lastOutcome).toBe('site_closed');
  });
});

describe('DomainProgress: the served domain', () => {
  it('lapses a domain whose records stay missing for the lapse time, and forgives a gap that heals', () => {
    const progress = new DomainProgress({ served: { recordId: 'r1', missingSinceMs: null } }, settings);
    const served = progress.servedToCheck()!;
    expect(progress.servedChecked(served, missing, 1_000)).toBe('keep');
    expect(served.missingSinceMs).toBe(1_000);
    expect(progress.servedChecked(served, found, 1_200)).toBe('keep');
    expect(served.missingSinceMs).toBeNull();
    expect(progress.servedChecked(served, missing, 2_000)).toBe('keep');
    expect(progress.servedChecked(served, missing, 2_300)).toBe('lapse');
    progress.lapsed();
    expect(progress.view()).toMatchObject({ served: null, lastOutcome: 'lapsed' });
  });

  it('skips the re-check when the domain was removed or another one connected, and drops a served domain that is gone', () => {
    const progress = new DomainProgress({ served: { recordId: 'r1', missingSinceMs: null } }, settings);
    const served = progress.servedToCheck()!;
    expect(progress.servedChecked(served, { state: 'gone' }, 0)).toBe('keep');
    expect(progress.watching).toBe(false);
    const replaced = new DomainProgress({ served: { recordId: 'r1', missingSinceMs: null } }, settings);
    replaced.connected('r2', 0);
    expect(replaced.servedToCheck()).toBeNull();
    replaced.remove();
    expect(replaced.watching).toBe(false);
    expect(replaced.outcome()).toBe('removed');
  });
});

describe('DomainProgress: waits and runs', () => {
  it('wakes a wait for "check now", removal or a newly connected domain', () => {
    const progress = proving();
    const watching = progress.watchedRecord;
    expect(progress.wakes(watching)).toBe(false);
    progress.requestCheck();
    expect(progress.wakes(watching)).toBe(true);
    progress.awoke();
    expect(progress.wakes(watching)).toBe(false);
    progress.connected('r2', 10);
    expect(progress.wakes(watching)).toBe(true);
  });

  it('continues as new after its share of checks, carrying what it looks after', () => {
    const progress = proving();
    for (let i = 0; i < CHECKS_PER_RUN; i += 1) expect(progress.startCheck()).toBe(true);
    expect(progress.startCheck()).toBe(false);
    expect(progress.carried()).toEqual({ pending: { recordId: 'r1', startedAtMs: 0, checks: 0 }, served: null });
    expect(new DomainProgress({}, settings).outcome()).toBe('idle');
  });
});
