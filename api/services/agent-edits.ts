import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, EditRequest, SupportTicket } from '../../db/entities/index.js';
import type { IEditRequest } from '../../db/entities/edit-request.entity.js';
import type { IOperator } from '../../db/entities/operator.entity.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { editRequestPageUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { siteEditStateQuery } from '../../workflows/site-edit/contract.js';
import type { ApiDeps } from '../deps.js';
import { queueEmail } from '../email.js';
import type { AgentEditRequestDto } from '../schemas/answers.js';
import { callTemporal } from '../temporal.js';
import { editRequestDto } from './site-edits.js';
import { addReply } from './tickets.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** The statuses in which an edit request waits for a person's draft or answer. */
const ANSWERABLE = ['needs_agent', 'rejected'];

async function load(em: EntityManager, id: string): Promise<IEditRequest> {
  const request = await em.findOne(EditRequest, id, { populate: ['previewVersion', 'site.business', 'site.currentVersion', 'requestedBy', 'ticket'] });
  if (!request) throw new NotFoundError('edit_request_not_found', 'No such edit request');
  return request;
}

/** Who asked for the change: the requester, else the ticket's customer, else the site's first owner. */
async function requester(em: EntityManager, request: IEditRequest) {
  if (request.requestedBy) return request.requestedBy;
  if (request.ticket) return (await em.findOneOrFail(SupportTicket, request.ticket.id, { populate: ['customer'] })).customer;
  return (await em.findOne(CustomerSiteOwnership, { site: request.site.id, role: 'owner' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } }))?.customer ?? null;
}

/** Why the editor handed the request over, as the edit workflow tells it; null when it cannot be asked. */
async function editorReason(deps: Deps, request: IEditRequest): Promise<string | null> {
  if (request.status !== 'needs_agent') return null;
  try {
    const state = await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.siteEdit(request.id)).query(siteEditStateQuery), { timeoutMs: 3_000 });
    return state.reason;
  } catch {
    return null;
  }
}

/** An edit request as an agent works it. */
export async function agentEditRequestView(deps: Deps, em: EntityManager, id: string): Promise<AgentEditRequestDto> {
  const request = await load(em, id);
  const customer = await requester(em, request);
  return {
    ...editRequestDto(request),
    agent_answered_by: request.agentAnsweredBy ?? null,
    site_slug: request.site.slug,
    business_name: request.site.business.name,
    customer: customer ? { id: customer.id, name: customer.fullName, email: customer.email } : null,
    editor_reason: await editorReason(deps, request),
    live_content: request.site.currentVersion?.content ?? null,
  };
}

/**
 * An agent answers the owner about a request the editor handed over or a preview the owner rejected: the answer is
 * kept on the request (the owner sees it in the portal) and sent on the request's ticket, or by email without one.
 * The request then leaves the work queue; it is answered once.
 */
export async function answerEditRequest(deps: Deps, em: EntityManager, id: string, operator: IOperator | null, answer: string): Promise<AgentEditRequestDto> {
  const request = await load(em, id);
  if (!ANSWERABLE.includes(request.status)) throw new ConflictError('edit_request_not_waiting', `This edit request is ${request.status.replace(/_/g, ' ')}; it is not waiting for an agent`);
  const agentName = operator?.name ?? 'The WebMagic team';
  const updated = await em.fork().nativeUpdate(EditRequest, { id, agentAnsweredAt: null }, { agentAnswer: answer, agentAnsweredAt: new Date(), agentAnsweredBy: agentName });
  if (updated === 0) throw new ConflictError('edit_request_already_answered', 'An agent already answered this edit request');
  const ticket = request.ticket ? await em.findOne(SupportTicket, request.ticket.id, { populate: ['site'] }) : null;
  if (ticket && ticket.status !== 'resolved' && ticket.status !== 'closed') {
    await addReply(deps, em, ticket, 'agent', answer, operator?.name ?? null);
  } else {
    const to = await requester(em, request);
    if (to) {
      await queueEmail(deps, {
        idempotencyKey: `edit:${id}:answered`, to: to.email, template: 'edit_answered',
        model: {
          name: to.fullName || 'there', siteTitle: request.site.title, agentName,
          summary: request.requestText.replace(/\s+/g, ' ').trim().slice(0, 200), answer, requestUrl: editRequestPageUrl(deps.config, request.site.id, id),
        },
      });
    }
  }
  return agentEditRequestView(deps, em.fork(), id);
}
