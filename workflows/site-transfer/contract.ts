import type { SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { workflowIds } from '../../lib/workflow-ids.js';
import { SITE_SLUG } from '../search-attributes.js';

/** Who asked for or decided something about a transfer, as the audit log names them. */
export interface TransferActor {
  kind: 'operator' | 'customer' | 'system';
  id: string | null;
  name: string;
}

/** Start arguments of a site transfer. */
export interface TransferInput {
  transferId: string;
  siteId: string;
  slug: string;
  /** The owner the site leaves. */
  fromCustomerId: string;
  recipientEmail: string;
  /** The owner in the portal, or an operator on the owner's request. */
  requestedBy: TransferActor;
  reason: string | null;
  /** How long the recipient has to accept. */
  expiresInMs: number;
  publicBaseUrl: string;
}

/** Where a transfer stands. */
export type TransferStatus = 'pending' | 'accepted' | 'expired' | 'cancelled';

/** What the state query answers. */
export interface TransferView {
  transferId: string;
  siteId: string;
  status: TransferStatus;
  recipientEmail: string;
  requestedAt: string;
  expiresAt: string;
  requestedBy: TransferActor;
  /** Known once the invitation is prepared. */
  siteTitle: string | null;
  fromName: string | null;
}

/** The recipient accepts (after proving they hold the emailed link and the account). */
export interface TransferAcceptance {
  recipientCustomerId: string;
}

/** The owner or an operator takes the transfer back. */
export interface TransferCancellation {
  actor: TransferActor;
  reason: string | null;
}

/** Failure types the API maps to HTTP answers. */
export const TRANSFER_FAILURES = {
  notPending: 'transfer_not_pending',
  wrongRecipient: 'transfer_wrong_recipient',
  ownerChanged: 'transfer_owner_changed',
} as const;

/** Accepts the transfer; answers once the site is in the recipient's account. */
export const acceptTransferUpdate = defineUpdate<TransferView, [TransferAcceptance]>('acceptTransfer');
/** Cancels a pending transfer; answers once it is closed. */
export const cancelTransferUpdate = defineUpdate<TransferView, [TransferCancellation]>('cancelTransfer');
/** Where the transfer stands. */
export const transferStateQuery = defineQuery<TransferView>('transferState');

/** How a site transfer is started, the task queue aside: one at a time per site, its business-key id, and the slug operators search by. */
export function transferStartOptions(input: TransferInput) {
  return {
    workflowId: workflowIds.siteTransfer(input.siteId),
    args: [input] as [TransferInput],
    typedSearchAttributes: [{ key: SITE_SLUG, value: input.slug }] as SearchAttributePair[],
  };
}
