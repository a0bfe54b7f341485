export { sendEmailWorkflow } from './send-email.js';
