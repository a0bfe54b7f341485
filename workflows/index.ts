export { claimSiteWorkflow } from './claim-site.js';
export { sendEmailWorkflow } from './send-email.js';
export { supportTicketWorkflow } from './support-ticket.js';
