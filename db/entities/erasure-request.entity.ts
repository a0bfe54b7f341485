import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';

/** Whose data an erasure is about: a customer's account, or a site visitor known by their email. */
export const ERASURE_SUBJECTS = ['customer', 'visitor'] as const;
export type ErasureSubject = (typeof ERASURE_SUBJECTS)[number];

/** Where an erasure stands: waiting out its undo window, undone, or done. */
export const ERASURE_STATUSES = ['pending', 'cancelled', 'completed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/**
 * A request to erase a person's data, carried out by the account-erasure workflow after its undo window. A visitor's
 * email is kept here only while the request is pending (the workflow's input holds the request id alone) and is
 * cleared when it completes; `pseudonym` is what the audit log and the kept records call the person afterwards.
 */
export const ErasureRequest = defineEntity({
  name: 'ErasureRequest',
  tableName: 'erasure_requests',
  uniques: [{ name: 'erasure_requests_one_pending_customer', properties: ['customer'], where: { status: 'pending' } }],
  properties: {
    ...baseProperties,
    subject: p.enum(ERASURE_SUBJECTS),
    customer: () => p.manyToOne(CustomerUser).nullable().deleteRule('set null'),
    subjectEmail: p.string().nullable(),
    pseudonym: p.string(),
    status: p.enum(ERASURE_STATUSES).default('pending'),
    eraseAfter: p.datetime(),
    requestedBy: p.string(),
    reason: p.text().nullable(),
    cancelledAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    summary: p.json<Record<string, number>>().nullable(),
  },
});
export type IErasureRequest = InferEntity<typeof ErasureRequest>;
