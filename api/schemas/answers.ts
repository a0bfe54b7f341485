import type { SiteContent } from '../../lib/site-editor/content.js';

/*
 * Shapes of API answers that the server builds and the portal (api/portal/app) reads: one declaration for both.
 * Plain types only, so the portal's browser build can import them.
 */

/** A site as the portal lists it (snake_case, the shape existing clients read). */
export interface OwnedSiteDto {
  site_id: string;
  slug: string;
  site_title: string;
  site_url: string;
  status: string;
  subscription_status: string;
  is_primary: boolean;
  role: string;
  acquired_at: string;
  purchased_at: string | null;
  purchase_amount: number;
  monthly_amount: number;
  currency: string;
  next_billing_date: string | null;
  grace_ends_at: string | null;
  custom_domain: string | null;
}

/** A ticket message as the API shows it. */
export interface TicketMessageDto {
  id: string;
  author_type: string;
  body: string;
  created_at: string;
}

/** A ticket as the API shows it. */
export interface TicketDto {
  id: string;
  site_id: string;
  site_slug: string;
  subject: string;
  description: string;
  category: string | null;
  priority: string;
  status: string;
  ai_confidence: number | null;
  sla_due_at: string | null;
  escalated_at: string | null;
  assigned_to: string | null;
  csat_requested: boolean;
  csat_rating: number | null;
  close_reason: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  messages?: TicketMessageDto[];
}

/** A version as the API lists it. */
export interface VersionDto {
  number: number;
  summary: string | null;
  created_by: string;
  created_at: string;
  published_at: string | null;
  discarded_at: string | null;
  live: boolean;
  content?: SiteContent;
}

/** An edit request as the API shows it. */
export interface EditRequestDto {
  id: string;
  site_id: string;
  ticket_id: string | null;
  request: string;
  status: string;
  preview_version: number | null;
  summary: string | null;
  decision: string | null;
  decided_at: string | null;
  expires_at: string | null;
  created_at: string;
  preview_url?: string | null;
}
