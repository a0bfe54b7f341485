import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import { strToU8, zipSync } from 'fflate';
import { customerActor } from '../../db/collaborators.js';
import { ErasureRequest } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import type { IErasureRequest } from '../../db/entities/erasure-request.entity.js';
import { pendingCustomerErasure, requestCustomerErasure, requestVisitorErasure } from '../../db/erasure.js';
import { customerExport } from '../../db/privacy-export.js';
import type { AuditActor } from '../../db/audit-log.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { erasureStartOptions, ERASURE_FAILURES, undoErasureUpdate } from '../../workflows/account-erasure/contract.js';
import { accountErasureWorkflow } from '../../workflows/account-erasure/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import type { VisitorErasureDto } from '../schemas/back-office.js';

const README = `Your data at WebMagic
=====================

This archive holds everything WebMagic stores about you, as JSON files:

profile.json             your account: email, name, phone, when it was created and last used
sites.json               the sites you own or collaborate on, with your role
payments.json            your payments (amounts, dates, the payment provider's ids)
subscriptions.json       the subscriptions of your sites
tickets.json             your support requests with every message in them
edit-requests.json       the changes you asked for on your sites
emails.json              the emails we sent to your address and what they said (links removed)
bookings-you-made.json   contact or booking requests you sent to sites with your address
invitations.json         collaborator invitations you sent or received
audit-log.json           the recorded actions about your account (who, when, what, why)

Your password is stored only as a one-way hash and is not included.
To have this data deleted, use "Delete my account" on the Privacy page of your dashboard.
`;

/** The customer's data export: a .zip of one JSON file per kind of data and a README.txt saying what each holds. */
export async function exportArchive(em: EntityManager, customerId: string, now = new Date()): Promise<Uint8Array> {
  const files = await customerExport(em, customerId);
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = { 'README.txt': [strToU8(README), { mtime: now }] };
  for (const [name, content] of Object.entries(files)) entries[name] = [strToU8(`${JSON.stringify(content, null, 2)}\n`), { mtime: now }];
  return zipSync(entries, { level: 6 });
}

/** A pending erasure as the portal shows it. */
export interface ErasureDto {
  id: string;
  status: string;
  requested_at: string;
  erase_after: string;
}

function erasureDto(request: IErasureRequest): ErasureDto {
  return { id: request.id, status: request.status, requested_at: request.createdAt.toISOString(), erase_after: request.eraseAfter.toISOString() };
}

/** The customer's pending erasure, or null. */
export async function readErasure(em: EntityManager, customerId: string): Promise<{ erasure: ErasureDto | null }> {
  const pending = await pendingCustomerErasure(em, customerId);
  return { erasure: pending ? erasureDto(pending) : null };
}

/** Starts an erasure's workflow; a failed start removes the stored request, so nothing is half-scheduled. */
async function startErasure(deps: ApiDeps, em: EntityManager, request: IErasureRequest, undoWindowMs: number): Promise<void> {
  try {
    await callTemporal(deps, (client) => client.workflow.start(accountErasureWorkflow, {
      ...erasureStartOptions(request.id, undoWindowMs), taskQueue: deps.config.temporal.taskQueue, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }), { service: 'erasure' });
  } catch (error) {
    await em.fork().nativeDelete(ErasureRequest, { id: request.id });
    throw error;
  }
}

/** The customer asks for their account to be deleted: scheduled after the undo window, and they are emailed. */
export async function requestAccountDeletion(deps: ApiDeps, em: EntityManager, customer: ICustomerUser): Promise<{ erasure: ErasureDto }> {
  const windowMs = deps.config.people.erasureUndoWindowMs;
  const request = await requestCustomerErasure(em, customer.id, new Date(Date.now() + windowMs), customerActor(customer));
  await startErasure(deps, em, request, windowMs);
  return { erasure: erasureDto(request) };
}

/** The customer takes back their pending deletion; 409 when there is none or it has already begun. */
export async function undoAccountDeletion(deps: ApiDeps, em: EntityManager, customer: ICustomerUser): Promise<{ erasure: null }> {
  const pending = await pendingCustomerErasure(em, customer.id);
  const tooLate = () => new ConflictError('erasure_not_pending', 'There is no account deletion to undo: it was undone already or has begun.');
  if (!pending) throw tooLate();
  await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.erasure(pending.id)).executeUpdate(undoErasureUpdate, { args: [{ kind: 'customer', id: customer.id, name: customer.fullName }] }), {
    service: 'erasure',
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return tooLate();
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      return cause instanceof ApplicationFailure && cause.type === ERASURE_FAILURES.notPending ? tooLate() : undefined;
    },
  });
  return { erasure: null };
}

function visitorErasureDto(r: IErasureRequest): VisitorErasureDto {
  return {
    id: r.id, pseudonym: r.pseudonym, status: r.status, requested_by: r.requestedBy, reason: r.reason ?? null, requested_at: r.createdAt.toISOString(),
    completed_at: r.completedAt?.toISOString() ?? null, summary: r.summary ?? null,
  };
}

/** An operator erases a site visitor's data (bookings, analytics sessions, emails found by their address) at once, through the erasure workflow. */
export async function eraseVisitor(deps: ApiDeps, em: EntityManager, email: string, reason: string, actor: AuditActor): Promise<VisitorErasureDto> {
  const request = await requestVisitorErasure(em, email, new Date(), actor, reason);
  await startErasure(deps, em, request, 0);
  return visitorErasureDto(request);
}

/** The newest visitor erasures. */
export async function listVisitorErasures(em: EntityManager): Promise<{ erasures: VisitorErasureDto[] }> {
  return { erasures: (await em.find(ErasureRequest, { subject: 'visitor' }, { orderBy: { createdAt: 'desc' }, limit: 50 })).map(visitorErasureDto) };
}

/** One visitor erasure, or a 404. */
export async function readVisitorErasure(em: EntityManager, id: string): Promise<VisitorErasureDto> {
  const request = await em.findOne(ErasureRequest, { id, subject: 'visitor' });
  if (!request) throw new NotFoundError('erasure_not_found', 'No such visitor erasure.');
  return visitorErasureDto(request);
}
