import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createEmailActivities } from '../../activities/email.js';
import type { CompletedTransfer, createTransferActivities } from '../../activities/transfers.js';
import type { SendEmailInput } from '../../lib/email/templates.js';
import { subscriptionPageUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from '../activity-options.js';
import { ownerChangedSignal } from '../subscription/contract.js';
import {
  acceptTransferUpdate,
  cancelTransferUpdate,
  transferStateQuery,
  type TransferAcceptance,
  type TransferCancellation,
  type TransferInput,
  type TransferView,
} from './contract.js';
import { TransferState, type TransferRefusal } from './state.js';

const db = proxyActivities<ReturnType<typeof createTransferActivities>>(databaseActivityOptions());
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

const SYSTEM = { kind: 'system', id: null, name: 'WebMagic' } as const;

/** Throws a refusal as the non-retryable failure the API maps to an HTTP answer. */
function reject(refusal: TransferRefusal | null): void {
  if (refusal) throw ApplicationFailure.create({ ...refusal, nonRetryable: true });
}

/**
 * Hands a site from its owner to another person (`transfer:<siteId>`, one at a time per site). The recipient is
 * invited by email and accepts from the link within the expiry; the owner or an operator may cancel meanwhile. On
 * acceptance the site moves to the recipient's account and its subscription workflow is told, which stops the old
 * owner's provider subscription and keeps the period they paid, so the site stays online while the recipient activates.
 */
export async function siteTransferWorkflow(input: TransferInput): Promise<TransferView> {
  const state = new TransferState(input, Date.now());
  const run = new TransferRun(input, state);
  run.listen();
  const prepared = await db.prepareTransfer({
    transferId: input.transferId, siteId: input.siteId, fromCustomerId: input.fromCustomerId, recipientEmail: input.recipientEmail,
    requestedBy: input.requestedBy, reason: input.reason, expiresAt: new Date(state.expiresAtMs).toISOString(),
  });
  state.prepared(prepared);
  if (!state.decided) await run.notify(prepared.invitation);
  if (!(await condition(() => state.decided, Math.max(1, state.expiresAtMs - Date.now())))) state.expire();
  await run.settle();
  state.close();
  await condition(allHandlersFinished);
  return state.view();
}

/** One transfer: message handlers and the side effects of its outcome. */
class TransferRun {
  constructor(
    private readonly input: TransferInput,
    private readonly state: TransferState,
  ) {}

  /** Wires the query and the two updates to the state; each update answers once the outcome is carried out. */
  listen(): void {
    const { state } = this;
    setHandler(transferStateQuery, () => state.view());
    setHandler(acceptTransferUpdate, async ({ recipientCustomerId }: TransferAcceptance) => {
      await condition(() => state.isPrepared || state.decided);
      reject(state.acceptRefusal(recipientCustomerId));
      state.accept();
      await condition(() => state.isClosed);
      reject(state.failure);
      return state.view();
    }, { validator: ({ recipientCustomerId }: TransferAcceptance) => reject(state.acceptRefusal(recipientCustomerId)) });
    setHandler(cancelTransferUpdate, async (cancellation: TransferCancellation) => {
      reject(state.cancelRefusal());
      state.cancel(cancellation);
      await condition(() => state.isClosed);
      return state.view();
    }, { validator: (_cancellation: TransferCancellation) => reject(state.cancelRefusal()) });
  }

  /** Carries out the decision: the handover on acceptance, else the closing entry and the old owner told of an expiry. */
  async settle(): Promise<void> {
    const { input, state } = this;
    if (state.status === 'accepted') {
      const completed = await db.completeTransfer({
        transferId: input.transferId, siteId: input.siteId, fromCustomerId: input.fromCustomerId, recipientCustomerId: state.recipientCustomerId!,
      });
      if (completed.done) return this.handedOver(completed);
      log.warn('transfer not carried out', { siteId: input.siteId, reason: completed.reason });
      state.acceptanceFailed(completed.reason);
    }
    const outcome = state.status === 'expired' ? 'expired' : 'cancelled';
    const by = state.cancelledBy;
    const closed = await db.closeTransfer({
      transferId: input.transferId, siteId: input.siteId, fromCustomerId: input.fromCustomerId, outcome, actor: by?.actor ?? SYSTEM, reason: by?.reason ?? null,
    });
    if (outcome === 'expired') {
      await this.notify({
        idempotencyKey: `transfer:${input.transferId}:expired`, to: closed.from.email, template: 'site_transfer_expired',
        model: { name: closed.from.name, siteTitle: closed.siteTitle, recipient: input.recipientEmail },
      });
    }
  }

  /** The site is the recipient's: the subscription workflow takes the new owner, and both people are told. */
  private async handedOver(completed: Extract<CompletedTransfer, { done: true }>): Promise<void> {
    const { input } = this;
    await getExternalWorkflowHandle(workflowIds.subscription(input.siteId))
      .signal(ownerChangedSignal, { eventId: `transfer:${input.transferId}`, kind: 'transferred' })
      .catch((error: unknown) => log.warn('site has no subscription workflow to hand over', { siteId: input.siteId, error: String(error) }));
    await this.notify({
      idempotencyKey: `transfer:${input.transferId}:accepted`, to: completed.from.email, template: 'site_transfer_accepted',
      model: { name: completed.from.name, siteTitle: completed.siteTitle, recipient: completed.to.email, paidUntil: completed.paidUntil },
    });
    await this.notify({
      idempotencyKey: `transfer:${input.transferId}:welcome`, to: completed.to.email, template: 'site_transfer_welcome',
      model: {
        name: completed.to.name, siteTitle: completed.siteTitle, siteUrl: completed.siteUrl,
        activateUrl: subscriptionPageUrl(input, input.siteId), activateBy: completed.paidUntil,
      },
    });
  }

  /** Sends one email; one that can never be sent is an operator case (raised by the activity), never fatal to the transfer. */
  async notify(message: SendEmailInput): Promise<void> {
    try {
      await email.sendEmail(message);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('transfer email not delivered', { siteId: this.input.siteId, key: message.idempotencyKey, error: error.message });
    }
  }
}
