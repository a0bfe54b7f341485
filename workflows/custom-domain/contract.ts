import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Durations the domain workflow runs on (from configuration, so tests can shorten them). */
export interface DomainSettings {
  verifyTimeoutMs: number;
  checkMinMs: number;
  checkMaxMs: number;
  recheckIntervalMs: number;
  lapseAfterMs: number;
}

/** A domain being proven: checked with back-off until `startedAtMs + verifyTimeoutMs`. */
export interface PendingDomain {
  recordId: string;
  startedAtMs: number;
  checks: number;
}

/** The domain being served: re-checked every `recheckIntervalMs`; missing for `lapseAfterMs` → no longer served. */
export interface ServedDomain {
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
