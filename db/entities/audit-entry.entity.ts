import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';

/** Who did something the audit log records: an operator in the console, a customer in the portal, or the platform itself. */
export const AUDIT_ACTOR_KINDS = ['operator', 'customer', 'system'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/**
 * The append-only audit log of ownership and privacy actions: who, when, what, why. Rows are never updated or deleted
 * (a trigger refuses it), except by an erasure: its transaction sets `webmagic.audit_erasure` to replace a person's
 * name and email in the entries with a pseudonym. Customer and site are plain ids, not foreign keys, so an entry
 * outlives both.
 */
export const AuditEntry = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entries',
  indexes: [
    { name: 'audit_entries_customer', properties: ['customerId', 'createdAt'] },
    { name: 'audit_entries_site', properties: ['siteId', 'createdAt'] },
  ],
  triggers: [{
    name: 'audit_entries_append_only',
    timing: 'before',
    events: ['update', 'delete'],
    forEach: 'row',
    body: "if tg_op = 'UPDATE' and current_setting('webmagic.audit_erasure', true) = 'on' then return new; end if; "
      + "raise exception 'audit_entries is append-only' using errcode = 'check_violation';",
  }],
  properties: {
    ...appendOnlyProperties,
    actorKind: p.enum(AUDIT_ACTOR_KINDS),
    actorId: p.uuid().nullable(),
    actorName: p.string(),
    action: p.string(),
    reason: p.text().nullable(),
    customerId: p.uuid().nullable(),
    siteId: p.uuid().nullable(),
    details: p.json<Record<string, unknown>>(),
  },
});
export type IAuditEntry = InferEntity<typeof AuditEntry>;
