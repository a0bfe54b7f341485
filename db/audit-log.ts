import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry, OperatorNote } from './entities/index.js';
import type { AuditActorKind, IAuditEntry } from './entities/audit-entry.entity.js';
import type { IOperator } from './entities/operator.entity.js';
import type { IOperatorNote } from './entities/operator-note.entity.js';

/** Who acts: an operator, a customer or the platform (a workflow). */
export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
  name: string;
}

/** The actor for an operator route: the signed-in operator, or a machine client holding the admin API token. */
export function operatorActor(operator: IOperator | null): AuditActor {
  return operator ? { kind: 'operator', id: operator.id, name: operator.name } : { kind: 'operator', id: null, name: 'Admin API token' };
}

/** The platform itself, e.g. a workflow finishing a transfer. */
export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, name: 'WebMagic' };

/** One line of the audit log, as the caller states it. */
export interface AuditRecord {
  actor: AuditActor;
  /** What happened, dotted: `site.linked`, `site.removed`, `site.transfer_requested`, `collaborator.invited`, … */
  action: string;
  /** Why, in the operator's or customer's words; required for operator ownership actions. */
  reason?: string | null;
  customerId?: string | null;
  siteId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends an entry to the audit log in the caller's unit of work (flushed with it). */
export function recordAudit(em: EntityManager, record: AuditRecord): IAuditEntry {
  return em.create(AuditEntry, {
    actorKind: record.actor.kind, actorId: record.actor.id, actorName: record.actor.name, action: record.action, reason: record.reason ?? null,
    customerId: record.customerId ?? null, siteId: record.siteId ?? null, details: record.details ?? {},
  });
}

/** The newest audit entries about a customer (as subject or actor) or about a site. */
export async function auditTrail(em: EntityManager, about: { customerId: string } | { siteId: string }, limit = 100): Promise<IAuditEntry[]> {
  const where = 'customerId' in about
    ? { $or: [{ customerId: about.customerId }, { actorKind: 'customer' as const, actorId: about.customerId }] }
    : { siteId: about.siteId };
  return em.find(AuditEntry, where, { orderBy: { createdAt: 'desc' }, limit });
}

/**
 * Replaces what the audit log says about a person with a pseudonym: their name as actor, and the given strings (their
 * email, name) wherever they appear in details. The ids stay, so the trail remains readable as "customer <pseudonym>".
 * The only rewrite the append-only trigger allows, and only inside this transaction.
 */
export async function pseudonymiseAudit(em: EntityManager, customerId: string, pseudonym: string, personal: readonly string[]): Promise<number> {
  return em.transactional(async (tx) => {
    await tx.getConnection().execute(`set local webmagic.audit_erasure = 'on'`, [], 'run', tx.getTransactionContext());
    const texts = personal.filter((t) => t.length > 0);
    // Innermost replace first: replace(replace(details::text, ?, ?), ?, ?)…, each a (text, pseudonym) pair.
    const details = texts.reduce((sql) => `replace(${sql}, ?, ?)`, 'details::text');
    const res = await tx.getConnection().execute<{ affectedRows: number }>(
      `update audit_entries set actor_name = case when actor_kind = 'customer' and actor_id = ? then ? else actor_name end, details = (${details})::jsonb
        where customer_id = ? or (actor_kind = 'customer' and actor_id = ?)`,
      [customerId, pseudonym, ...texts.flatMap((t) => [t, pseudonym]), customerId, customerId], 'run', tx.getTransactionContext());
    return res.affectedRows;
  });
}

/** Leaves an operator's note on a customer or a site. */
export function addOperatorNote(em: EntityManager, author: AuditActor, about: { customerId?: string; siteId?: string }, body: string): IOperatorNote {
  return em.create(OperatorNote, { customer: about.customerId ?? null, site: about.siteId ?? null, author: author.id, authorName: author.name, body });
}

/** The notes on a customer or a site, newest first. */
export async function operatorNotes(em: EntityManager, about: { customerId: string } | { siteId: string }, limit = 100): Promise<IOperatorNote[]> {
  const where = 'customerId' in about ? { customer: about.customerId } : { site: about.siteId };
  return em.find(OperatorNote, where, { orderBy: { createdAt: 'desc' }, limit });
}
