export { claimSiteWorkflow } from './claim-site.js';
export { sendEmailWorkflow } from './send-email.js';
export { subscriptionWorkflow } from './subscription.js';
export { supportTicketWorkflow } from './support-ticket.js';
export { customDomainWorkflow } from './custom-domain.js';
export { bookingWorkflow } from './booking.js';
export { analyticsHousekeepingWorkflow } from './analytics-housekeeping.js';
export { siteEditWorkflow } from './site-edit.js';
