import { Context, log } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { cancelErasure, carryOutErasure, erasureRecipient, ownedSiteIds, revokeCustomerAccess, type ErasureSummary } from '../db/erasure.js';
import { ErasureRequest } from '../db/entities/index.js';
import type { AppConfig } from '../lib/config.js';
import type { Mailer } from '../lib/postmark/mailer.js';
import { privacyPageUrl } from '../lib/urls.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { createEmailActivities } from './email.js';

/** The subscription workflow's cancel update, by name (activities do not import workflow code). */
const CANCEL_SUBSCRIPTION_UPDATE = 'cancelSubscription';

/** Erasure of a person's data: the steps of the account-erasure workflow, each safe to run twice. */
export function createErasureActivities(deps: { orm: MikroORM; mailer: Mailer; config: AppConfig }) {
  const emails = createEmailActivities(deps);
  const requestOf = (id: string) => deps.orm.em.fork().findOneOrFail(ErasureRequest, id);
  return {
    /** Tells the person their erasure is scheduled (with the undo link) or done; sent before the address is erased, once per notice. */
    async sendErasureNotice(input: { erasureRequestId: string; notice: 'scheduled' | 'completed' }): Promise<void> {
      const em = deps.orm.em.fork();
      const to = await erasureRecipient(em, input.erasureRequestId);
      if (!to) return;
      const request = await requestOf(input.erasureRequestId);
      const name = to.name.slice(0, 200);
      const idempotencyKey = `erasure:${input.erasureRequestId}:${input.notice}`;
      if (input.notice === 'scheduled') {
        await emails.sendEmail({ idempotencyKey, to: to.to, template: 'erasure_scheduled', model: { name, eraseAfter: request.eraseAfter.toISOString(), undoUrl: privacyPageUrl(deps.config) } });
      } else {
        await emails.sendEmail({ idempotencyKey, to: to.to, template: 'erasure_completed', model: { name } });
      }
    },
    /** Marks the request undone (audited with who undid it). */
    async cancelErasureRequest(input: { erasureRequestId: string; by: { kind: 'customer' | 'operator'; id: string | null; name: string } }): Promise<void> {
      await cancelErasure(deps.orm.em.fork(), input.erasureRequestId, input.by);
    },
    /**
     * Ends the subscription of every site the customer owns at once, through each site's subscription workflow (its
     * cancel update, as the owner's "cancel now"); a site without a running subscription is skipped.
     */
    async endSubscriptions(input: { erasureRequestId: string }): Promise<number> {
      const request = await requestOf(input.erasureRequestId);
      if (request.subject !== 'customer' || !request.customer) return 0;
      let ended = 0;
      for (const siteId of await ownedSiteIds(deps.orm.em.fork(), request.customer.id)) {
        try {
          await Context.current().client.workflow.getHandle(workflowIds.subscription(siteId)).executeUpdate(CANCEL_SUBSCRIPTION_UPDATE, { args: [{ atPeriodEnd: false }] });
          ended += 1;
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError)) throw error;
          log.info('no subscription to end', { siteId, reason: error.message });
        }
      }
      return ended;
    },
    /** Ends the customer's sessions, voids their emailed links and cancels the invitations they sent. */
    async revokeAccess(input: { erasureRequestId: string }): Promise<void> {
      const request = await requestOf(input.erasureRequestId);
      if (request.subject === 'customer' && request.customer) await revokeCustomerAccess(deps.orm.em.fork(), request.customer.id);
    },
    /** Erases or anonymises the person's data everywhere it is stored (see db/erasure.ts). */
    async eraseRecords(input: { erasureRequestId: string }): Promise<ErasureSummary> {
      return carryOutErasure(deps.orm.em.fork(), input.erasureRequestId);
    },
  };
}
