import { Type, type Static } from 'typebox';
import { Email } from './customer.js';

/** Why an operator changes who owns a site: required, in their words, kept in the audit log. */
export const Reason = Type.String({ minLength: 1, maxLength: 1000, pattern: '\\S', description: 'Why (kept in the audit log)' });

/** POST /admin/ownership/link */
export const LinkSiteBody = Type.Object({
  site: Type.String({ minLength: 1, maxLength: 200, description: 'The site’s slug or id' }),
  customer: Type.String({ minLength: 1, maxLength: 254, description: 'The customer’s email or id' }),
  reason: Reason,
}, { additionalProperties: false });

/** POST /admin/ownership/remove */
export const RemoveSiteBody = Type.Object({ site_id: Type.String({ format: 'uuid' }), reason: Reason }, { additionalProperties: false });

/** POST /admin/ownership/transfer */
export const OperatorTransferBody = Type.Object({ site_id: Type.String({ format: 'uuid' }), recipient_email: Email, reason: Reason }, { additionalProperties: false });

/** POST /admin/ownership/transfer/cancel */
export const CancelTransferBody = Type.Object({ site_id: Type.String({ format: 'uuid' }), reason: Reason }, { additionalProperties: false });

/** What linking a site answers. */
export const LinkedSiteAnswer = Type.Object({
  site_id: Type.String(), customer_id: Type.String(), is_primary: Type.Boolean(), audit_id: Type.String(),
});

/** What removing a site answers. */
export const RemovedSiteAnswer = Type.Object({
  site_id: Type.String(), customer_id: Type.String(),
  primary_site_id: Type.Union([Type.String(), Type.Null()], { description: 'The customer’s primary site afterwards (their oldest remaining one)' }),
  audit_id: Type.String(),
});

/** A transfer waiting for its recipient. */
export const PendingTransferAnswer = Type.Object({
  transfer_id: Type.String(),
  site_id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('expired'), Type.Literal('cancelled')]),
  recipient_email: Type.String(),
  requested_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  requested_by: Type.String(),
});
export type PendingTransferDto = Static<typeof PendingTransferAnswer>;

/** The site's pending transfer, if any. */
export const TransferStatusAnswer = Type.Object({ transfer: Type.Union([PendingTransferAnswer, Type.Null()]) });

/** What the accept page shows. */
export const TransferInvitationAnswer = Type.Object({
  site_title: Type.String(), from_name: Type.String(), recipient_email: Type.String(), expires_at: Type.String({ format: 'date-time' }), has_password: Type.Boolean(),
});

/** POST /customer/sites/:siteId/transfer */
export const OwnerTransferBody = Type.Object({ recipient_email: Email }, { additionalProperties: false });

/** POST /customer/transfers/accept */
export const AcceptTransferBody = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  token: Type.String({ minLength: 1, maxLength: 512 }),
  password: Type.String({ minLength: 1, maxLength: 200, description: 'The account’s password, or the first one it gets when it has none' }),
}, { additionalProperties: false });

/** GET /customer/transfers/invitation */
export const InvitationQuery = Type.Object({ site_id: Type.String({ format: 'uuid' }), token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
