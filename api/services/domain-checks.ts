import type { EntityManager } from '@mikro-orm/postgresql';
import { Site, SupportTicket } from '../../db/entities/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { ApiDeps } from '../deps.js';
import { getDomain } from './domains.js';
import { openTicket } from './tickets.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** The support request an owner's "ask us to check" opened, and by when a person answers it. */
export interface DomainCheckRequest {
  ticket_id: string;
  created: boolean;
  due_at: string;
}

async function domainFacts(em: EntityManager, config: Deps['config'], siteId: string): Promise<{ domain: string | null; text: string }> {
  try {
    const d = await getDomain(em, config, siteId);
    const checked = d.last_checked_at ? `last checked ${d.last_checked_at}` : 'not checked yet';
    return { domain: d.domain, text: `Domain ${d.domain}: status ${d.status.replace(/_/g, ' ')}, ${checked}, served on ${d.serving_domain ?? 'nothing yet'}.` };
  } catch (error) {
    if (error instanceof NotFoundError) return { domain: null, text: 'No custom domain is connected yet.' };
    throw error;
  }
}

/**
 * The owner asks a person to check the site's custom domain: opens a support request that the agents' work queue lists
 * as a domain check until an agent answers it. Asking again while one is unanswered returns that one.
 */
export async function askForDomainCheck(deps: Deps, em: EntityManager, customerId: string, siteId: string): Promise<DomainCheckRequest> {
  const due = (asked: Date) => new Date(asked.getTime() + deps.config.workQueue.slaMs.domainCheck).toISOString();
  const waiting = await em.findOne(SupportTicket, { site: siteId, domainCheckRequestedAt: { $ne: null }, status: { $nin: ['resolved', 'closed'] } }, { orderBy: { createdAt: 'desc' } });
  if (waiting?.domainCheckRequestedAt) return { ticket_id: waiting.id, created: false, due_at: due(waiting.domainCheckRequestedAt) };
  const site = await em.findOneOrFail(Site, siteId);
  const facts = await domainFacts(em, deps.config, siteId);
  const ticket = await openTicket(deps, em, {
    customerId, siteId, siteSlug: site.slug,
    subject: facts.domain ? `Please check my domain ${facts.domain}` : 'Please help me connect my domain',
    description: `I asked the WebMagic team to check my custom domain from the domain page. ${facts.text}`,
  });
  const asked = new Date();
  await em.fork().nativeUpdate(SupportTicket, { id: ticket.id }, { domainCheckRequestedAt: asked });
  return { ticket_id: ticket.id, created: true, due_at: due(asked) };
}
