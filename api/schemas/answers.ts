import { Type, type Static } from 'typebox';
import { SiteContentSchema } from '../../lib/site-editor/content.js';

/*
 * Answers that the server builds and the portal (api/portal/app) reads, each declared once as a TypeBox schema (the
 * routes' response schema) with its type derived from it. The portal imports the types only (`import type`).
 */

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const When = Nullable(DateTime);

/** The customer's primary site, as site lists name its fields. */
export const PrimarySite = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  site_title: Type.String(),
  site_url: Type.String(),
  status: Type.String(),
});

/** A site as the portal lists it (snake_case, the shape existing clients read): the primary-site fields and more. */
export const OwnedSite = Type.Object({
  ...PrimarySite.properties,
  subscription_status: Type.String(),
  is_primary: Type.Boolean(),
  role: Type.String(),
  acquired_at: DateTime,
  purchased_at: When,
  purchase_amount: Type.Number(),
  monthly_amount: Type.Number(),
  currency: Type.String(),
  next_billing_date: When,
  grace_ends_at: When,
  activation_deadline: Type.Union([DateTime, Type.Null()], { description: 'By when the monthly subscription must be activated, while it waits for activation' }),
  custom_domain: Nullable(Type.String()),
});
/** A site as the portal lists it. */
export type OwnedSiteDto = Static<typeof OwnedSite>;

/** A ticket message as the API shows it. */
export const TicketMessage = Type.Object({
  id: Type.String(), author_type: Type.String(), body: Type.String(), created_at: DateTime,
  author_name: Type.Optional(Nullable(Type.String({ description: 'The agent who wrote it (agent messages; null on older ones)' }))),
});
/** A ticket message as the API shows it. */
export type TicketMessageDto = Static<typeof TicketMessage>;

/** An uploaded photo. */
export const PhotoAnswer = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: '`logo`, `hero` or `gallery` (uploaded for that place), or `ticket` (attached to a support ticket)' }),
  width: Type.Integer({ description: 'Width of the upright original, in pixels' }),
  height: Type.Integer({ description: 'Height of the upright original, in pixels' }),
  alt: Nullable(Type.String()),
  ticket_id: Nullable(Type.String({ format: 'uuid' })),
  created_at: DateTime,
  widths: Type.Array(Type.Integer(), { description: 'The widths stored, each as AVIF, WebP and JPEG' }),
  url: Type.String({ description: 'The largest JPEG, at an address that never changes (`/_wm/photos/<id>/<width>.<avif|webp|jpg>`)' }),
});
/** An uploaded photo. */
export type PhotoDto = Static<typeof PhotoAnswer>;

/** A ticket as the API shows it; the agent view adds the AI draft and the agents' actions. */
export const Ticket = Type.Object({
  id: Type.String({ format: 'uuid' }),
  site_id: Type.String({ format: 'uuid' }),
  site_slug: Type.String(),
  subject: Type.String(),
  description: Type.String(),
  category: Nullable(Type.String()),
  priority: Type.String(),
  status: Type.String(),
  ai_confidence: Nullable(Type.Number()),
  sla_due_at: Nullable(Type.String()),
  escalated_at: Nullable(Type.String()),
  assigned_to: Nullable(Type.String()),
  csat_requested: Type.Boolean(),
  csat_rating: Nullable(Type.Integer()),
  close_reason: Nullable(Type.String()),
  created_at: DateTime,
  updated_at: DateTime,
  closed_at: Nullable(Type.String()),
  messages: Type.Optional(Type.Array(TicketMessage)),
  photos: Type.Optional(Type.Array(PhotoAnswer, { description: 'Photos the customer attached, oldest first' })),
  ai_draft: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'The reply the AI drafted at triage (agent view only)' })),
  ai_draft_new: Type.Optional(Type.Boolean({ description: 'True while the draft is news: neither the AI nor an agent has answered yet (agent view only)' })),
  customer: Type.Optional(Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), email: Type.String() }, { description: 'Who opened the ticket (agent view only)' })),
  business_name: Type.Optional(Type.String({ description: 'The business of the ticket\'s site (agent view only)' })),
  domain_check_requested_at: Type.Optional(When),
  edit_requests: Type.Optional(Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.String() }), { description: 'The change requests this ticket started (agent view only)' })),
  actions: Type.Optional(Type.Array(Type.Object({
    action: Type.String(), actor: Type.String(), detail: Nullable(Type.String()), created_at: DateTime,
  }), { description: 'What agents did on the ticket, oldest first (agent view only)' })),
});
/** A ticket as the API shows it. */
export type TicketDto = Static<typeof Ticket>;

/** A site version as listed. */
export const Version = Type.Object({
  number: Type.Integer({ minimum: 1 }),
  summary: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: DateTime,
  published_at: When,
  discarded_at: When,
  live: Type.Boolean({ description: 'Whether this version is the one the site shows' }),
  content: Type.Optional(SiteContentSchema),
});
/** A site version as listed. */
export type VersionDto = Static<typeof Version>;

/** An edit request as shown. */
export const EditRequestView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  site_id: Type.String({ format: 'uuid' }),
  ticket_id: Nullable(Type.String({ format: 'uuid' })),
  request: Type.String(),
  status: Type.String(),
  preview_version: Nullable(Type.Integer()),
  summary: Nullable(Type.String()),
  decision: Nullable(Type.String()),
  decided_at: When,
  expires_at: When,
  created_at: DateTime,
  preview_url: Type.Optional(Nullable(Type.String({ description: 'The private preview while the draft awaits approval (customer routes only)' }))),
  live_version: Type.Optional(Nullable(Type.Integer({ description: 'The version the site shows now (customer routes only)' }))),
  rolled_back: Type.Optional(Type.Boolean({ description: 'Published, then an older version was made live again (customer routes only)' })),
  agent_answer: Type.Optional(Nullable(Type.String({ description: 'What an agent wrote to the owner about this request' }))),
  agent_answered_at: Type.Optional(When),
});
/** An edit request as shown. */
export type EditRequestDto = Static<typeof EditRequestView>;

/** What the workflow answered to an approve / reject. */
export const EditDecision = Type.Object({
  status: Type.String(),
  version_number: Nullable(Type.Integer()),
  reason: Nullable(Type.String()),
});

/** One thing waiting on a person in the agents' work queue, with its deadline. */
export const WorkItem = Type.Object({
  kind: Type.Union([Type.Literal('ticket'), Type.Literal('edit_needs_agent'), Type.Literal('edit_rejected'), Type.Literal('operator_case'), Type.Literal('domain_check'), Type.Literal('preview_held')]),
  id: Type.String({ format: 'uuid' }),
  title: Type.String(),
  detail: Nullable(Type.String()),
  url: Type.String({ description: 'The console page where an agent handles it' }),
  site_id: Nullable(Type.String({ format: 'uuid' })),
  site_slug: Nullable(Type.String()),
  business_name: Nullable(Type.String()),
  customer_name: Nullable(Type.String()),
  waiting_since: DateTime,
  due_at: DateTime,
  overdue: Type.Boolean(),
});
/** One item of the work queue. */
export type WorkItemDto = Static<typeof WorkItem>;

/** How much work waits, for the console's navigation. */
export const WorkCount = Type.Object({ count: Type.Integer({ minimum: 0 }), overdue: Type.Integer({ minimum: 0 }) });

/** An edit request as an agent works it: the request, who asked, the editor's reason, and the live content to draft from. */
export const AgentEditRequest = Type.Object({
  ...EditRequestView.properties,
  site_slug: Type.String(),
  business_name: Type.String(),
  customer: Nullable(Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String(), email: Type.String() })),
  editor_reason: Nullable(Type.String({ description: 'Why the editor handed the request to a person (from the edit workflow)' })),
  agent_answered_by: Nullable(Type.String()),
  live_content: Nullable(SiteContentSchema),
});
/** An edit request as an agent works it. */
export type AgentEditRequestDto = Static<typeof AgentEditRequest>;
