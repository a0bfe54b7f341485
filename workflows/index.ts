export { claimSiteWorkflow } from './claim-site.js';
export { sendEmailWorkflow } from './send-email.js';
export { subscriptionWorkflow } from './subscription.js';
export { supportTicketWorkflow } from './support-ticket.js';
export { siteEditWorkflow } from './site-edit.js';
