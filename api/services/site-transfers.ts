import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditActor } from '../../db/audit-log.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import { assertUsableOneTimeToken, consumeOneTimeToken } from '../../db/one-time-tokens.js';
import { siteOwner } from '../../db/ownership.js';
import { hashPassword, verifyPassword } from '../../lib/auth/passwords.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  acceptTransferUpdate, cancelTransferUpdate, TRANSFER_FAILURES, transferStartOptions, transferStateQuery, type TransferView,
} from '../../workflows/site-transfer/contract.js';
import { siteTransferWorkflow } from '../../workflows/site-transfer/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import { assertStrongPassword } from './accounts.js';
import { findSite } from './ownership.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** A pending transfer as the API answers it. */
export interface PendingTransfer {
  transfer_id: string;
  site_id: string;
  status: TransferView['status'];
  recipient_email: string;
  requested_at: string;
  expires_at: string;
  requested_by: string;
}

function answer(view: TransferView): PendingTransfer {
  return {
    transfer_id: view.transferId, site_id: view.siteId, status: view.status, recipient_email: view.recipientEmail, requested_at: view.requestedAt,
    expires_at: view.expiresAt, requested_by: view.requestedBy.name,
  };
}

function handle(deps: Deps, siteId: string) {
  return (client: Deps['temporal']): WorkflowHandle<typeof siteTransferWorkflow> => client.workflow.getHandle<typeof siteTransferWorkflow>(workflowIds.siteTransfer(siteId));
}

function updateFailureType(error: unknown): string | undefined {
  const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
  return cause instanceof ApplicationFailure ? cause.type ?? undefined : undefined;
}

/**
 * Starts the transfer of a site to the person at `recipientEmail` (one pending transfer per site: a second is a 409).
 * The workflow records the request in the audit log and emails the invitation.
 */
export async function startTransfer(deps: Deps, em: EntityManager, actor: AuditActor, input: { siteId: string; recipientEmail: string; reason: string | null }): Promise<PendingTransfer> {
  const site = await findSite(em, input.siteId);
  const owner = await siteOwner(em, site.id);
  if (!owner) throw new ConflictError('site_has_no_owner', `${site.title} is in nobody's account: link it to the person instead.`);
  const recipientEmail = input.recipientEmail.trim().toLowerCase();
  if (recipientEmail === owner.customer.email) throw new ValidationError('transfer_to_owner', 'The recipient already owns this site: give the email of the person who should receive it.');
  const start = transferStartOptions({
    transferId: randomUUID(), siteId: site.id, slug: site.slug, fromCustomerId: owner.customer.id, recipientEmail, requestedBy: actor, reason: input.reason,
    expiresInMs: deps.config.transfers.expiryMs, publicBaseUrl: deps.config.publicBaseUrl,
  });
  await callTemporal(deps, (client) => client.workflow.start(siteTransferWorkflow, { ...start, taskQueue: deps.config.temporal.taskQueue, workflowIdConflictPolicy: 'FAIL' }), {
    service: 'transfer',
    failure: (error) => (error instanceof WorkflowExecutionAlreadyStartedError
      ? new ConflictError('transfer_pending', 'A transfer of this site is already waiting for its recipient: cancel it first to send another.')
      : undefined),
  });
  const now = Date.now();
  return {
    transfer_id: start.args[0].transferId, site_id: site.id, status: 'pending', recipient_email: recipientEmail, requested_at: new Date(now).toISOString(),
    expires_at: new Date(now + deps.config.transfers.expiryMs).toISOString(), requested_by: actor.name,
  };
}

/** The site's pending transfer, or null when none waits. */
export async function pendingTransfer(deps: Deps, siteId: string): Promise<PendingTransfer | null> {
  return callTemporal(deps, async (client) => {
    const h = handle(deps, siteId)(client);
    const description = await h.describe();
    if (description.status.name !== 'RUNNING') return null;
    const view = await h.query(transferStateQuery);
    return view.status === 'pending' ? answer(view) : null;
  }, { service: 'transfer', failure: (error) => (error instanceof WorkflowNotFoundError ? NO_TRANSFER : undefined) }).catch((error: unknown) => {
    if (error === NO_TRANSFER) return null;
    throw error;
  });
}

const NO_TRANSFER = new ConflictError('no_pending_transfer', 'This site has no transfer waiting for its recipient.');

/** Cancels the site's pending transfer (its link stops working); a 409 when none is pending. */
export async function cancelTransfer(deps: Deps, siteId: string, actor: AuditActor, reason: string | null): Promise<PendingTransfer> {
  const view = await callTemporal(deps, (client) => handle(deps, siteId)(client).executeUpdate(cancelTransferUpdate, { args: [{ actor, reason }] }), {
    service: 'transfer',
    failure: (error) => (error instanceof WorkflowNotFoundError || updateFailureType(error) === TRANSFER_FAILURES.notPending ? NO_TRANSFER : undefined),
  });
  return answer(view);
}

/** What the accept page shows before the recipient answers. */
export interface TransferInvitation {
  site_title: string;
  from_name: string;
  recipient_email: string;
  expires_at: string;
  /** False when the recipient's account has no password yet: the page asks them to choose one. */
  has_password: boolean;
}

/** Reads the invitation behind an accept link (without spending it); a 400 for a spent, expired or foreign link. */
export async function transferInvitation(deps: Deps, em: EntityManager, siteId: string, token: string): Promise<TransferInvitation> {
  const recipient = await assertUsableOneTimeToken(em, token, 'accept_transfer');
  const view = await callTemporal(deps, (client) => handle(deps, siteId)(client).query(transferStateQuery), {
    service: 'transfer', failure: (error) => (error instanceof WorkflowNotFoundError ? invalidLink() : undefined),
  });
  if (view.status !== 'pending' || view.recipientEmail !== recipient.email) throw invalidLink();
  return { site_title: view.siteTitle ?? 'your website', from_name: view.fromName ?? 'The owner', recipient_email: recipient.email, expires_at: view.expiresAt, has_password: recipient.passwordHash != null };
}

function invalidLink(): ValidationError {
  return new ValidationError('invalid_token', 'This transfer link is no longer valid: it expired, was cancelled or was already used.');
}

/**
 * Accepts a transfer from its emailed link: the recipient proves the account with its password (or chooses the first
 * one), the workflow moves the site to them, and then the link is spent and the address counts as confirmed.
 */
export async function acceptTransfer(deps: Deps, em: EntityManager, input: { siteId: string; token: string; password: string }): Promise<ICustomerUser> {
  const recipient = await assertUsableOneTimeToken(em, input.token, 'accept_transfer');
  if (recipient.passwordHash) {
    if (!(await verifyPassword(recipient.passwordHash, input.password))) {
      throw new ValidationError('wrong_password', 'This is not the password of your account. Use "forgot password" on the sign-in page if you do not remember it.');
    }
  } else {
    assertStrongPassword(input.password, recipient.email);
  }
  const firstHash = recipient.passwordHash ? null : await hashPassword(input.password);
  await callTemporal(deps, (client) => handle(deps, input.siteId)(client).executeUpdate(acceptTransferUpdate, { args: [{ recipientCustomerId: recipient.id }] }), {
    service: 'transfer',
    timeoutMs: 20_000,
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return invalidLink();
      const type = updateFailureType(error);
      if (type === TRANSFER_FAILURES.ownerChanged) return new ConflictError('transfer_failed', 'The site changed owner in the meantime, so it could not be transferred.');
      return type ? invalidLink() : undefined;
    },
  });
  return em.transactional(async (tx) => {
    const customer = await consumeOneTimeToken(tx, input.token, 'accept_transfer');
    const now = new Date();
    if (firstHash) customer.passwordHash = firstHash;
    customer.emailVerifiedAt ??= now;
    customer.lastLoginAt = now;
    return customer;
  });
}
