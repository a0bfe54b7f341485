import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createDomainActivities } from '../activities/domains.js';
import type { createEmailActivities, SendEmailInput } from '../activities/email.js';

/** Durations the domain workflow runs on (from configuration, so tests can shorten them). */
export interface DomainSettings {
  verifyTimeoutMs: number;
  checkMinMs: number;
  checkMaxMs: number;
  recheckIntervalMs: number;
  lapseAfterMs: number;
}

/** A domain being proven: checked with back-off until `startedAtMs + verifyTimeoutMs`. */
interface PendingDomain {
  recordId: string;
  startedAtMs: number;
  checks: number;
}

/** The domain being served: re-checked every `recheckIntervalMs`; missing for `lapseAfterMs` → no longer served. */
interface ServedDomain {
  recordId: string;
  missingSinceMs: number | null;
}

/** Input of `domain:<siteId>`; `pending` / `served` carry the state across continue-as-new. */
export interface CustomDomainInput {
  siteId: string;
  settings: DomainSettings;
  pending?: PendingDomain | null;
  served?: ServedDomain | null;
}

/** What the state query answers. */
export interface CustomDomainView {
  pending: PendingDomain | null;
  served: ServedDomain | null;
  paused: boolean;
  lastOutcome: string | null;
}

/** The owner connected a domain (its row is written): prove it, then serve it in place of the current one. */
export const domainConnectedSignal = defineSignal<[{ recordId: string }]>('domainConnected');
/** The owner asked for an immediate DNS check. */
export const checkDomainNowSignal = defineSignal('checkDomainNow');
/** The owner disconnected the domain (its rows are gone): stop looking after it. */
export const domainRemovedSignal = defineSignal('domainRemoved');
/** Where the domain workflow stands. */
export const customDomainStateQuery = defineQuery<CustomDomainView>('customDomainState');

const domains = proxyActivities<ReturnType<typeof createDomainActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 30 },
});
const email = proxyActivities<ReturnType<typeof createEmailActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 50, nonRetryableErrorTypes: ['EmailRejected'] },
});

/** Checks after which the run continues as new, keeping its history short for a domain served for years. */
const CHECKS_PER_RUN = 500;

/**
 * Looks after a site's custom domain: proves a newly connected one (TXT token + CNAME/A at the platform) with
 * back-off until it verifies or the verification window ends, then re-checks the served one daily and stops
 * serving it when its records stay missing; emails the owner at each outcome. Pauses while the site is suspended.
 */
export async function customDomainWorkflow(input: CustomDomainInput): Promise<string> {
  const { settings, siteId } = input;
  let pending = input.pending ?? null;
  let served = input.served ?? null;
  let removed = false;
  let checkNow = false;
  let paused = false;
  let lastOutcome: string | null = null;
  let checks = 0;

  setHandler(domainConnectedSignal, ({ recordId }) => {
    if (pending?.recordId !== recordId) pending = { recordId, startedAtMs: Date.now(), checks: 0 };
  });
  setHandler(checkDomainNowSignal, () => {
    checkNow = true;
  });
  setHandler(domainRemovedSignal, () => {
    removed = true;
  });
  setHandler(customDomainStateQuery, () => ({ pending, served, paused, lastOutcome }));

  const send = async (message: SendEmailInput | null) => {
    if (message) await email.sendEmail(message);
  };
  /** Waits up to `ms`, waking early for "check now", a newly connected domain or removal. */
  const wait = async (ms: number) => {
    const watching = pending?.recordId;
    await condition(() => checkNow || removed || pending?.recordId !== watching, Math.max(ms, 1));
    checkNow = false;
  };

  while (!removed && (pending || served)) {
    if (checks >= CHECKS_PER_RUN) await continueAsNew<typeof customDomainWorkflow>({ siteId, settings, pending, served });
    checks += 1;
    if (pending) {
      const current = pending;
      const result = await domains.checkDomain({ siteId, recordId: current.recordId, at: new Date().toISOString(), missingSince: null });
      if (pending !== current) continue;
      paused = result.state === 'paused';
      if (result.state === 'site_closed') return (lastOutcome = 'site_closed');
      if (result.state === 'gone') {
        pending = null;
        continue;
      }
      if (result.state === 'checked' && result.tokenFound && result.pointsToPlatform) {
        const verified = await domains.markDomainVerified({ siteId, recordId: current.recordId, at: new Date().toISOString() });
        pending = pending === current ? null : pending;
        if (verified === 'gone') continue;
        if (verified === 'taken') {
          lastOutcome = 'taken';
          continue;
        }
        await send(verified);
        served = { recordId: current.recordId, missingSinceMs: null };
        lastOutcome = 'verified';
        continue;
      }
      const left = current.startedAtMs + settings.verifyTimeoutMs - Date.now();
      if (left <= 0 && !paused) {
        await send(await domains.markDomainFailed({ siteId, recordId: current.recordId }));
        pending = pending === current ? null : pending;
        lastOutcome = 'failed';
        continue;
      }
      current.checks += 1;
      const backoff = Math.min(settings.checkMinMs * 2 ** Math.min(current.checks - 1, 30), settings.checkMaxMs);
      await wait(paused ? settings.recheckIntervalMs : Math.min(backoff, Math.max(left, 1)));
      continue;
    }
    if (served) {
      await wait(settings.recheckIntervalMs);
      if (removed || pending) continue;
      const current = served;
      const result = await domains.checkDomain({
        siteId, recordId: current.recordId, at: new Date().toISOString(),
        missingSince: current.missingSinceMs === null ? null : new Date(current.missingSinceMs).toISOString(),
      });
      paused = result.state === 'paused';
      if (result.state === 'site_closed') return (lastOutcome = 'site_closed');
      if (result.state === 'gone') {
        served = null;
        continue;
      }
      if (result.state !== 'checked') continue;
      if (result.tokenFound && result.pointsToPlatform) {
        current.missingSinceMs = null;
        continue;
      }
      current.missingSinceMs ??= Date.now();
      if (Date.now() - current.missingSinceMs >= settings.lapseAfterMs) {
        await send(await domains.stopServingDomain({ siteId, recordId: current.recordId }));
        served = null;
        lastOutcome = 'lapsed';
      }
    }
  }
  return lastOutcome ?? (removed ? 'removed' : 'idle');
}
