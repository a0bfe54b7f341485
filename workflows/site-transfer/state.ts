import {
  TRANSFER_FAILURES,
  type TransferActor,
  type TransferCancellation,
  type TransferInput,
  type TransferStatus,
  type TransferView,
} from './contract.js';

/** An update the transfer refuses: the failure type the API maps, and a sentence. */
export interface TransferRefusal {
  type: (typeof TRANSFER_FAILURES)[keyof typeof TRANSFER_FAILURES];
  message: string;
}

/** Who the invitation went to and what it is about, once prepared. */
export interface PreparedInvitation {
  recipientCustomerId: string;
  siteTitle: string;
  fromName: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The decisions of one site transfer, without I/O: which answers are accepted (only the invited person accepts, only
 * while pending), when it expires, and what the query shows. The workflow shell applies them.
 */
export class TransferState {
  private current: TransferStatus = 'pending';
  private invitation: PreparedInvitation | null = null;
  private cancellation: TransferCancellation | null = null;
  private refusal: TransferRefusal | null = null;
  private closed = false;
  readonly requestedAt: string;
  readonly expiresAtMs: number;

  constructor(
    private readonly input: TransferInput,
    now: number,
  ) {
    this.requestedAt = iso(now);
    this.expiresAtMs = now + input.expiresInMs;
  }

  get status(): TransferStatus {
    return this.current;
  }

  /** True once the recipient accepted, someone cancelled, or it expired. */
  get decided(): boolean {
    return this.current !== 'pending';
  }

  /** True once the decision has been carried out (the updates answer then). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** True once the invitation is prepared (the recipient is known). */
  get isPrepared(): boolean {
    return this.invitation !== null;
  }

  get recipientCustomerId(): string | null {
    return this.invitation?.recipientCustomerId ?? null;
  }

  /** Who cancelled and why, for the audit log. */
  get cancelledBy(): TransferCancellation | null {
    return this.cancellation;
  }

  /** Why carrying out the acceptance failed (the site changed owner meanwhile), or null. */
  get failure(): TransferRefusal | null {
    return this.refusal;
  }

  prepared(invitation: PreparedInvitation): void {
    this.invitation = invitation;
  }

  /** Why an acceptance is refused now (not pending, or not the invited person), or null. Before the invitation is prepared only the status is checked. */
  acceptRefusal(recipientCustomerId: string): TransferRefusal | null {
    if (this.current !== 'pending') return { type: TRANSFER_FAILURES.notPending, message: `The transfer is ${this.current}.` };
    if (this.invitation && this.invitation.recipientCustomerId !== recipientCustomerId) {
      return { type: TRANSFER_FAILURES.wrongRecipient, message: 'This transfer was offered to someone else.' };
    }
    return null;
  }

  /** Why a cancellation is refused now (not pending), or null. */
  cancelRefusal(): TransferRefusal | null {
    return this.current === 'pending' ? null : { type: TRANSFER_FAILURES.notPending, message: `The transfer is ${this.current}.` };
  }

  accept(): void {
    this.current = 'accepted';
  }

  cancel(cancellation: TransferCancellation): void {
    this.current = 'cancelled';
    this.cancellation = cancellation;
  }

  /** The recipient did not answer in time. */
  expire(): void {
    if (this.current === 'pending') this.current = 'expired';
  }

  /** The site left the requesting owner before the acceptance was carried out: nothing is transferred. */
  acceptanceFailed(message: string): void {
    this.refusal = { type: TRANSFER_FAILURES.ownerChanged, message };
    this.current = 'cancelled';
    this.cancellation = { actor: SYSTEM, reason: message };
  }

  close(): void {
    this.closed = true;
  }

  view(): TransferView {
    const { input } = this;
    return {
      transferId: input.transferId, siteId: input.siteId, status: this.current, recipientEmail: input.recipientEmail, requestedAt: this.requestedAt,
      expiresAt: iso(this.expiresAtMs), requestedBy: input.requestedBy, siteTitle: this.invitation?.siteTitle ?? null, fromName: this.invitation?.fromName ?? null,
    };
  }
}

const SYSTEM: TransferActor = { kind: 'system', id: null, name: 'WebMagic' };
