import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createDomainActivities } from '../../activities/domains.js';
import type { createEmailActivities, SendEmailInput } from '../../activities/email.js';
import { checkDomainNowSignal, customDomainStateQuery, domainConnectedSignal, domainRemovedSignal, type CustomDomainInput, type PendingDomain } from './contract.js';
import { DomainProgress } from './state.js';

const domains = proxyActivities<ReturnType<typeof createDomainActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 30 },
});
const email = proxyActivities<ReturnType<typeof createEmailActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 50, nonRetryableErrorTypes: ['EmailRejected'] },
});

/**
 * Looks after a site's custom domain: proves a newly connected one (TXT token + CNAME/A at the platform) with
 * back-off until it verifies or the verification window ends, then re-checks the served one daily and stops
 * serving it when its records stay missing; emails the owner at each outcome. Pauses while the site is suspended.
 */
export async function customDomainWorkflow(input: CustomDomainInput): Promise<string> {
  const { settings, siteId } = input;
  const progress = new DomainProgress(input, settings);
  const run = new DomainRun(input, progress);
  run.listen();
  while (progress.watching) {
    if (!progress.startCheck()) await continueAsNew<typeof customDomainWorkflow>({ siteId, settings, ...progress.carried() });
    const pending = progress.pendingDomain;
    const ended = pending ? await run.checkPending(pending) : await run.checkServed();
    if (ended) return ended;
  }
  return progress.outcome();
}

/** One run of the domain workflow: message handlers, the checks, and their side effects. */
class DomainRun {
  private readonly siteId: string;

  constructor(
    private readonly input: CustomDomainInput,
    private readonly progress: DomainProgress,
  ) {
    this.siteId = input.siteId;
  }

  /** Wires the connected, check-now and removed signals and the state query to the progress. */
  listen(): void {
    const { progress } = this;
    setHandler(domainConnectedSignal, ({ recordId }) => progress.connected(recordId, Date.now()));
    setHandler(checkDomainNowSignal, () => progress.requestCheck());
    setHandler(domainRemovedSignal, () => progress.remove());
    setHandler(customDomainStateQuery, () => progress.view());
  }

  /** Checks the domain being proven and acts on the outcome; answers how the workflow ends, or null to go on. */
  async checkPending(current: PendingDomain): Promise<string | null> {
    const { siteId, progress } = this;
    const result = await domains.checkDomain({ siteId, recordId: current.recordId, at: new Date().toISOString(), missingSince: null });
    const step = progress.pendingChecked(current, result, Date.now());
    if (step.kind === 'site_closed') return 'site_closed';
    if (step.kind === 'verify') await this.verify(current);
    if (step.kind === 'fail') {
      await this.send(await domains.markDomainFailed({ siteId, recordId: current.recordId }));
      progress.failed(current);
    }
    if (step.kind === 'wait') await this.wait(step.ms);
    return null;
  }

  /** Waits out the re-check interval, then re-checks the served domain; answers how the workflow ends, or null to go on. */
  async checkServed(): Promise<string | null> {
    const { siteId, progress } = this;
    await this.wait(this.input.settings.recheckIntervalMs);
    const current = progress.servedToCheck();
    if (!current) return null;
    const result = await domains.checkDomain({
      siteId, recordId: current.recordId, at: new Date().toISOString(),
      missingSince: current.missingSinceMs === null ? null : new Date(current.missingSinceMs).toISOString(),
    });
    const step = progress.servedChecked(current, result, Date.now());
    if (step === 'site_closed') return 'site_closed';
    if (step === 'lapse') {
      await this.send(await domains.stopServingDomain({ siteId, recordId: current.recordId }));
      progress.lapsed();
    }
    return null;
  }

  private async verify(current: PendingDomain): Promise<void> {
    const verified = await domains.markDomainVerified({ siteId: this.siteId, recordId: current.recordId, at: new Date().toISOString() });
    this.progress.settlePending(current);
    if (verified === 'gone') return;
    if (verified === 'taken') {
      this.progress.taken();
      return;
    }
    await this.send(verified);
    this.progress.serve(current.recordId);
  }

  private async send(message: SendEmailInput | null): Promise<void> {
    if (message) await email.sendEmail(message);
  }

  /** Waits up to `ms`, waking early for "check now", a newly connected domain or removal. */
  private async wait(ms: number): Promise<void> {
    const { progress } = this;
    const watching = progress.watchedRecord;
    await condition(() => progress.wakes(watching), Math.max(ms, 1));
    progress.awoke();
  }
}
