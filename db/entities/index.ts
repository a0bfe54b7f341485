import { AnalyticsDailyDimension } from './analytics-daily-dimension.entity.js';
import { AnalyticsEvent } from './analytics-event.entity.js';
import { AnalyticsHourly } from './analytics-hourly.entity.js';
import { AnalyticsHourlyDimension } from './analytics-hourly-dimension.entity.js';
import { Booking } from './booking.entity.js';
import { Business } from './business.entity.js';
import { CustomerSiteOwnership } from './customer-site-ownership.entity.js';
import { CustomerUser } from './customer-user.entity.js';
import { DomainVerificationRecord } from './domain-verification-record.entity.js';
import { EditRequest } from './edit-request.entity.js';
import { EmailMessage } from './email-message.entity.js';
import { Experiment } from './experiment.entity.js';
import { ExperimentAssignment } from './experiment-assignment.entity.js';
import { OneTimeToken } from './one-time-token.entity.js';
import { Payment } from './payment.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Site } from './site.entity.js';
import { SiteVersion } from './site-version.entity.js';
import { Subscription } from './subscription.entity.js';
import { SupportTicket } from './support-ticket.entity.js';
import { TicketMessage } from './ticket-message.entity.js';
import { VisitorSession } from './visitor-session.entity.js';
import { WebhookEvent } from './webhook-event.entity.js';
import { Operator } from './operator.entity.js';
import { OperatorSession } from './operator-session.entity.js';
import { TicketAction } from './ticket-action.entity.js';
import { PurchaseHold } from './purchase-hold.entity.js';
import { RateLimitCounter } from './rate-limit-counter.entity.js';
import { OperatorCase } from './operator-case.entity.js';
import { ProcessedPayment } from './processed-payment.entity.js';

export {
  AnalyticsEvent,
  Booking,
  Business,
  CustomerSiteOwnership,
  CustomerUser,
  DomainVerificationRecord,
  EditRequest,
  EmailMessage,
  Experiment,
  ExperimentAssignment,
  OneTimeToken,
  Payment,
  RefreshToken,
  Site,
  SiteVersion,
  Subscription,
  SupportTicket,
  TicketMessage,
  VisitorSession,
  WebhookEvent,
  AnalyticsHourly,
  AnalyticsHourlyDimension,
  AnalyticsDailyDimension,
  Operator,
  OperatorSession,
  TicketAction,
  PurchaseHold,
  RateLimitCounter,
  OperatorCase,
  ProcessedPayment,
};

/** The explicit entity list the ORM is configured with. */
export const entities = [
  AnalyticsEvent,
  Booking,
  Business,
  CustomerSiteOwnership,
  CustomerUser,
  DomainVerificationRecord,
  EditRequest,
  EmailMessage,
  Experiment,
  ExperimentAssignment,
  OneTimeToken,
  Payment,
  RefreshToken,
  Site,
  SiteVersion,
  Subscription,
  SupportTicket,
  TicketMessage,
  VisitorSession,
  WebhookEvent,
  AnalyticsHourly,
  AnalyticsHourlyDimension,
  AnalyticsDailyDimension,
  Operator,
  OperatorSession,
  TicketAction,
  PurchaseHold,
  RateLimitCounter,
  OperatorCase,
  ProcessedPayment,
];
