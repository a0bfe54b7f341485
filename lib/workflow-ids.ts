/** Workflow ids are business keys, so a second start for the same business object finds the first. */
export const workflowIds = {
  claim: (siteId: string) => `claim:${siteId}`,
  subscription: (siteId: string) => `subscription:${siteId}`,
  ticket: (ticketId: string) => `ticket:${ticketId}`,
  siteEdit: (editRequestId: string) => `edit:${editRequestId}`,
  customDomain: (siteId: string) => `domain:${siteId}`,
  email: (idempotencyKey: string) => `email:${idempotencyKey}`,
  booking: (bookingId: string) => `booking:${bookingId}`,
  siteTransfer: (siteId: string) => `transfer:${siteId}`,
  collaboratorInvitation: (invitationId: string) => `invitation:${invitationId}`,
  erasure: (erasureRequestId: string) => `erasure:${erasureRequestId}`,
  analyticsHousekeeping: () => 'analytics-housekeeping',
  previewBatch: (batchId: string) => `preview-batch:${batchId}`,
  previewOutreach: (listingId: string) => `outreach:${listingId}`,
} as const;
