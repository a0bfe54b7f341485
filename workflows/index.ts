export { claimSiteWorkflow } from './claim/workflow.js';
export { sendEmailWorkflow } from './send-email.js';
export { subscriptionWorkflow } from './subscription/workflow.js';
export { supportTicketWorkflow } from './support-ticket/workflow.js';
export { customDomainWorkflow } from './custom-domain/workflow.js';
export { bookingWorkflow } from './booking.js';
export { analyticsHousekeepingWorkflow } from './analytics-housekeeping.js';
export { siteEditWorkflow } from './site-edit/workflow.js';
