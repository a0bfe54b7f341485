import { Type, type Static } from 'typebox';
import { FIELD_LIMITS } from '../../lib/field-limits.js';

/*
 * The console's back-office answers: search across kinds, a customer's record and a site's record. Declared once as
 * TypeBox schemas (the routes' response schemas); the console imports the types only.
 */

const Id = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const When = Nullable(DateTime);
const Text = Nullable(Type.String());

/** Shortest and longest search a person may type. */
export const SEARCH_LENGTH = FIELD_LIMITS.search;

/** `GET /admin/search?q=`: the length rule is checked after trimming, so a short query gets a sentence, not validator text. */
export const SearchQuery = Type.Object({
  q: Type.String({ maxLength: SEARCH_LENGTH.max, description: `At least ${SEARCH_LENGTH.min} characters: email, name, slug, business name, domain, provider id or ticket id` }),
}, { additionalProperties: false });

const CustomerHit = Type.Object({ id: Id, email: Type.String(), full_name: Type.String(), sites: Type.Integer() });
const SiteHit = Type.Object({ id: Id, slug: Type.String(), title: Type.String(), business_name: Type.String(), custom_domain: Text, status: Type.String(), matched_domain: Text });
const PaymentHit = Type.Object({
  id: Id, provider_payment_id: Type.String(), provider_checkout_id: Text, provider_subscription_id: Text, kind: Type.String(), status: Type.String(),
  amount_cents: Type.Integer(), currency: Type.String(), created_at: DateTime, site_id: Id, site_slug: Type.String(), customer_id: Nullable(Id), customer_email: Text,
});
const TicketHit = Type.Object({ id: Id, subject: Type.String(), status: Type.String(), created_at: DateTime, site_slug: Type.String(), customer_id: Id, customer_email: Type.String() });

/** Search results grouped by kind, at most 20 of each. */
export const SearchAnswer = Type.Object({
  query: Type.String(),
  customers: Type.Array(CustomerHit),
  sites: Type.Array(SiteHit),
  payments: Type.Array(PaymentHit),
  tickets: Type.Array(TicketHit),
});
/** Search results grouped by kind. */
export type SearchAnswerDto = Static<typeof SearchAnswer>;

const PaymentRow = Type.Object({
  id: Id, provider: Type.String(), provider_payment_id: Type.String(), provider_checkout_id: Text, kind: Type.String(), status: Type.String(),
  amount_cents: Type.Integer(), currency: Type.String(), failure_reason: Text, paid_at: When, created_at: DateTime, site_id: Id, site_slug: Type.String(),
  customer_id: Nullable(Id), customer_email: Text,
});
const SubscriptionRow = Type.Object({
  status: Type.String(), amount_cents: Type.Integer(), currency: Type.String(), provider_subscription_id: Text,
  current_period_end: When, grace_ends_at: When, cancel_at_period_end: Type.Boolean(), cancelled_at: When, last_payment_failure: Text,
});
const TicketRow = Type.Object({ id: Id, subject: Type.String(), status: Type.String(), priority: Type.String(), created_at: DateTime, site_id: Id, site_slug: Type.String() });
const NoteRow = Type.Object({ id: Id, author_name: Type.String(), body: Type.String(), created_at: DateTime });
const EditRow = Type.Object({ id: Id, request_text: Type.String(), status: Type.String(), created_at: DateTime, site_id: Id, site_slug: Type.String() });

/** One audit-log entry as the record pages show it: who, when, what (in words), why. */
export const AuditRow = Type.Object({
  id: Id, at: DateTime, actor_kind: Type.String(), actor_name: Type.String(), action: Type.String(),
  what: Type.String({ description: 'The action in words' }), reason: Text, site_id: Nullable(Id), customer_id: Nullable(Id),
});
/** One audit-log entry as the record pages show it. */
export type AuditRowDto = Static<typeof AuditRow>;

/** Everything an operator needs about one customer. */
export const CustomerRecord = Type.Object({
  id: Id, email: Type.String(), full_name: Type.String(), phone: Text, is_active: Type.Boolean(),
  email_verified_at: When, last_login_at: When, created_at: DateTime,
  sessions: Type.Array(Type.Object({ id: Id, started_at: DateTime, last_refreshed_at: DateTime, expires_at: DateTime }, { description: 'Live refresh-token families' })),
  sites: Type.Array(Type.Object({
    id: Id, slug: Type.String(), title: Type.String(), status: Type.String(), role: Type.String(), is_primary: Type.Boolean(), acquired_at: DateTime,
    subscription: Nullable(SubscriptionRow),
  })),
  payments: Type.Array(PaymentRow),
  tickets: Type.Array(TicketRow),
  edit_requests: Type.Array(EditRow),
  emails: Type.Array(Type.Object({ id: Id, template: Type.String(), status: Type.String(), created_at: DateTime, sent_at: When, error: Text })),
  notes: Type.Array(NoteRow, { description: 'Operator notes, newest first' }),
  audit: Type.Array(AuditRow, { description: 'The audit log about this customer, newest first' }),
});
/** Everything an operator needs about one customer. */
export type CustomerRecordDto = Static<typeof CustomerRecord>;

/** Everything an operator needs about one site. */
export const SiteRecord = Type.Object({
  id: Id, slug: Type.String(), title: Type.String(), status: Type.String(), subscription_status: Type.String(), site_url: Type.String(),
  custom_domain: Text, purchased_at: When, created_at: DateTime, current_version: Nullable(Type.Integer()),
  business: Type.Object({ name: Type.String(), category: Type.String(), city: Text, phone: Text, email: Text }),
  people: Type.Array(Type.Object({ customer_id: Id, email: Type.String(), full_name: Type.String(), role: Type.String(), acquired_at: DateTime })),
  versions: Type.Array(Type.Object({ number: Type.Integer(), created_by: Type.String(), change_summary: Text, created_at: DateTime, published_at: When, discarded_at: When })),
  domain_checks: Type.Array(Type.Object({ id: Id, domain: Type.String(), status: Type.String(), created_at: DateTime, checked_at: When, verified_at: When, expires_at: DateTime, missing_since: When })),
  subscription: Nullable(SubscriptionRow),
  payments: Type.Array(PaymentRow),
  bookings: Type.Object({
    total: Type.Integer(),
    recent: Type.Array(Type.Object({ id: Id, kind: Type.String(), name: Type.String(), status: Type.String(), created_at: DateTime })),
  }),
  analytics: Type.Object({ days: Type.Integer(), visitors: Type.Integer(), sessions: Type.Integer(), page_views: Type.Integer(), bookings: Type.Integer(), claims_started: Type.Integer(), purchases: Type.Integer() }),
  workflows: Type.Array(Type.Object({ kind: Type.String(), workflow_id: Type.String() })),
  notes: Type.Array(NoteRow, { description: 'Operator notes, newest first' }),
  audit: Type.Array(AuditRow, { description: 'The audit log about this site, newest first' }),
});
/** Everything an operator needs about one site. */
export type SiteRecordDto = Static<typeof SiteRecord>;

/** Longest operator note. */
export const NOTE_MAX_LENGTH = 4000;

/** A note an operator leaves on a customer or a site. */
export const NoteBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: NOTE_MAX_LENGTH, pattern: '\\S', description: 'The note, in the operator’s words' }),
}, { additionalProperties: false });

/** A visitor erasure as the console lists it (never the address). */
export const VisitorErasure = Type.Object({
  id: Id, pseudonym: Type.String(), status: Type.String(), requested_by: Type.String(), reason: Text,
  requested_at: DateTime, completed_at: When,
  summary: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
});
/** A visitor erasure as the console lists it. */
export type VisitorErasureDto = Static<typeof VisitorErasure>;
