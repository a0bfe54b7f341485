import { Migration } from '@mikro-orm/migrations';

export class Migration20261123180015_initial extends Migration {

  override name = 'Migration20261123180015_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "businesses" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(255) not null, "category" varchar(255) not null, "phone" varchar(255) null, "email" varchar(255) null, "address" varchar(255) null, "city" varchar(255) null, "hours" jsonb null, primary key ("id"));`);

    this.addSql(`create table "email_messages" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "idempotency_key" varchar(255) not null, "to_address" varchar(255) not null, "template" varchar(255) not null, "model" jsonb not null, "status" text not null default 'pending', "provider_message_id" varchar(255) null, "attempts" int not null default 0, "error" text null, "sent_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "email_messages" add constraint "email_messages_idempotency_key_unique" unique ("idempotency_key");`);
    this.addSql(`create index "email_messages_to_address_index" on "email_messages" ("to_address");`);

    this.addSql(`create table "sites" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "slug" varchar(100) not null, "business_id" uuid not null, "title" varchar(255) not null, "status" text not null default 'preview', "purchase_amount_cents" int not null, "monthly_amount_cents" int not null, "currency" varchar(3) not null, "subscription_status" text not null default 'none', "next_billing_date" timestamptz null, "grace_ends_at" timestamptz null, "purchased_at" timestamptz null, "current_version_id" uuid null, "custom_domain" varchar(255) null, primary key ("id"));`);
    this.addSql(`alter table "sites" add constraint "sites_slug_unique" unique ("slug");`);
    this.addSql(`alter table "sites" add constraint "sites_custom_domain_unique" unique ("custom_domain");`);

    this.addSql(`create table "site_versions" ("id" uuid not null, "created_at" timestamptz not null, "site_id" uuid not null, "version_number" int not null, "content" jsonb not null, "change_summary" varchar(255) null, "created_by" text not null, "published_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "site_versions" add constraint "site_versions_site_id_version_number_unique" unique ("site_id", "version_number");`);

    this.addSql(`create table "experiments" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "key" varchar(255) not null, "variants" jsonb not null, "is_active" boolean not null default true, primary key ("id"));`);
    this.addSql(`alter table "experiments" add constraint "experiments_site_id_key_unique" unique ("site_id", "key");`);

    this.addSql(`create table "experiment_assignments" ("id" uuid not null, "created_at" timestamptz not null, "experiment_id" uuid not null, "visitor_id" varchar(255) not null, "variant" varchar(255) not null, primary key ("id"));`);
    this.addSql(`alter table "experiment_assignments" add constraint "experiment_assignments_experiment_id_visitor_id_unique" unique ("experiment_id", "visitor_id");`);

    this.addSql(`create table "domain_verification_records" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "domain" varchar(255) not null, "token" varchar(255) not null, "status" text not null default 'pending', "checked_at" timestamptz null, "verified_at" timestamptz null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "domain_verification_records_domain_index" on "domain_verification_records" ("domain");`);

    this.addSql(`create table "customer_users" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "email" varchar(255) not null, "password_hash" varchar(255) null, "full_name" varchar(255) not null, "phone" varchar(255) null, "email_verified_at" timestamptz null, "primary_site_id" uuid null, "is_active" boolean not null default true, "last_login_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "customer_users" add constraint "customer_users_email_unique" unique ("email");`);

    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "created_at" timestamptz not null, "customer_id" uuid not null, "token_hash" varchar(255) not null, "family_id" uuid not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);

    this.addSql(`create table "payments" ("id" uuid not null, "created_at" timestamptz not null, "provider" varchar(255) not null, "provider_checkout_id" varchar(255) null, "provider_payment_id" varchar(255) not null, "provider_subscription_id" varchar(255) null, "site_id" uuid not null, "customer_id" uuid null, "kind" text not null, "amount_cents" int not null, "currency" varchar(3) not null, "status" text not null, "failure_reason" varchar(255) null, "paid_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "payments_provider_checkout_id_index" on "payments" ("provider_checkout_id");`);
    this.addSql(`alter table "payments" add constraint "payments_provider_payment_id_unique" unique ("provider_payment_id");`);
    this.addSql(`create index "payments_provider_subscription_id_index" on "payments" ("provider_subscription_id");`);

    this.addSql(`create table "one_time_tokens" ("id" uuid not null, "created_at" timestamptz not null, "customer_id" uuid not null, "purpose" text not null, "token_hash" varchar(255) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "one_time_tokens" add constraint "one_time_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "customer_site_ownership" ("id" uuid not null, "created_at" timestamptz not null, "customer_id" uuid not null, "site_id" uuid not null, "role" text not null default 'owner', "is_primary" boolean not null default false, "acquired_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "customer_site_ownership" add constraint "customer_site_ownership_customer_id_site_id_unique" unique ("customer_id", "site_id");`);
    this.addSql(`create unique index "customer_site_ownership_one_primary" on "customer_site_ownership" ("customer_id") where "is_primary" = true;`);

    this.addSql(`create table "subscriptions" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "customer_id" uuid not null, "provider_subscription_id" varchar(255) null, "status" text not null default 'pending_activation', "amount_cents" int not null, "currency" varchar(3) not null, "current_period_start" timestamptz null, "current_period_end" timestamptz null, "grace_ends_at" timestamptz null, "cancel_at_period_end" boolean not null default false, "cancelled_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_site_id_unique" unique ("site_id");`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_provider_subscription_id_unique" unique ("provider_subscription_id");`);

    this.addSql(`create table "support_tickets" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "customer_id" uuid not null, "subject" varchar(255) not null, "description" text not null, "category" text null, "priority" text not null default 'normal', "status" text not null default 'open', "ai_confidence" double precision null, "sla_due_at" timestamptz null, "escalated_at" timestamptz null, "assigned_to" varchar(255) null, "csat_rating" smallint null, "closed_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "edit_requests" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "ticket_id" uuid null, "request_text" text not null, "status" text not null default 'pending', "preview_version_id" uuid null, "decision" varchar(255) null, "decided_at" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "ticket_messages" ("id" uuid not null, "created_at" timestamptz not null, "ticket_id" uuid not null, "author_type" text not null, "body" text not null, "idempotency_key" varchar(255) null, primary key ("id"));`);
    this.addSql(`alter table "ticket_messages" add constraint "ticket_messages_idempotency_key_unique" unique ("idempotency_key");`);

    this.addSql(`create table "visitor_sessions" ("id" uuid not null, "site_id" uuid not null, "visitor_id" varchar(255) not null, "utm_source" varchar(255) null, "utm_medium" varchar(255) null, "utm_campaign" varchar(255) null, "utm_term" varchar(255) null, "utm_content" varchar(255) null, "referrer" varchar(255) null, "landing_path" varchar(255) not null, "ip_truncated" varchar(255) null, "started_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "visitor_sessions_site_id_started_at_index" on "visitor_sessions" ("site_id", "started_at");`);

    this.addSql(`create table "bookings" ("id" uuid not null, "created_at" timestamptz not null, "site_id" uuid not null, "session_id" uuid null, "kind" varchar(255) not null, "name" varchar(255) not null, "email" varchar(255) null, "phone" varchar(255) null, "message" text null, "requested_for" timestamptz null, primary key ("id"));`);

    this.addSql(`create table "analytics_events" ("id" uuid not null, "session_id" uuid not null, "type" varchar(255) not null, "properties" jsonb null, "at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "analytics_events_session_id_at_index" on "analytics_events" ("session_id", "at");`);

    this.addSql(`create table "webhook_events" ("id" uuid not null, "provider" varchar(255) not null, "provider_event_id" varchar(255) not null, "type" varchar(255) not null, "payload" jsonb not null, "received_at" timestamptz not null, "processed_at" timestamptz null, "workflow_id" varchar(255) null, primary key ("id"));`);
    this.addSql(`alter table "webhook_events" add constraint "webhook_events_provider_provider_event_id_unique" unique ("provider", "provider_event_id");`);

    this.addSql(`alter table "email_messages" add constraint "email_messages_status_check" check ("status" in ('pending', 'sent', 'failed'));`);

    this.addSql(`alter table "sites" add constraint "sites_business_id_foreign" foreign key ("business_id") references "businesses" ("id");`);
    this.addSql(`alter table "sites" add constraint "sites_current_version_id_foreign" foreign key ("current_version_id") references "site_versions" ("id") on delete set null;`);
    this.addSql(`alter table "sites" add constraint "sites_status_check" check ("status" in ('preview', 'owned', 'active', 'suspended', 'cancelled'));`);
    this.addSql(`alter table "sites" add constraint "sites_subscription_status_check" check ("subscription_status" in ('none', 'pending_activation', 'active', 'past_due', 'suspended', 'cancelled'));`);

    this.addSql(`alter table "site_versions" add constraint "site_versions_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "site_versions" add constraint "site_versions_created_by_check" check ("created_by" in ('system', 'ai', 'customer', 'admin'));`);

    this.addSql(`alter table "experiments" add constraint "experiments_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);

    this.addSql(`alter table "experiment_assignments" add constraint "experiment_assignments_experiment_id_foreign" foreign key ("experiment_id") references "experiments" ("id") on delete cascade;`);

    this.addSql(`alter table "domain_verification_records" add constraint "domain_verification_records_site_id_foreign" foreign key ("site_id") references "sites" ("id");`);
    this.addSql(`alter table "domain_verification_records" add constraint "domain_verification_records_status_check" check ("status" in ('pending', 'txt_verified', 'verified', 'failed', 'expired'));`);

    this.addSql(`alter table "customer_users" add constraint "customer_users_primary_site_id_foreign" foreign key ("primary_site_id") references "sites" ("id") on delete set null;`);
    this.addSql(`alter table "customer_users" add constraint "customer_users_email_check" check (email = lower(email));`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete cascade;`);

    this.addSql(`alter table "payments" add constraint "payments_site_id_foreign" foreign key ("site_id") references "sites" ("id");`);
    this.addSql(`alter table "payments" add constraint "payments_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "payments" add constraint "payments_kind_check" check ("kind" in ('purchase', 'subscription'));`);
    this.addSql(`alter table "payments" add constraint "payments_status_check" check ("status" in ('succeeded', 'failed', 'refunded'));`);

    this.addSql(`alter table "one_time_tokens" add constraint "one_time_tokens_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete cascade;`);
    this.addSql(`alter table "one_time_tokens" add constraint "one_time_tokens_purpose_check" check ("purpose" in ('verify_email', 'reset_password', 'set_password'));`);

    this.addSql(`alter table "customer_site_ownership" add constraint "customer_site_ownership_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete cascade;`);
    this.addSql(`alter table "customer_site_ownership" add constraint "customer_site_ownership_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "customer_site_ownership" add constraint "customer_site_ownership_role_check" check ("role" in ('owner', 'collaborator'));`);

    this.addSql(`alter table "subscriptions" add constraint "subscriptions_site_id_foreign" foreign key ("site_id") references "sites" ("id");`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id");`);
    this.addSql(`alter table "subscriptions" add constraint "subscriptions_status_check" check ("status" in ('pending_activation', 'active', 'past_due', 'suspended', 'cancelled'));`);

    this.addSql(`alter table "support_tickets" add constraint "support_tickets_site_id_foreign" foreign key ("site_id") references "sites" ("id");`);
    this.addSql(`alter table "support_tickets" add constraint "support_tickets_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id");`);
    this.addSql(`alter table "support_tickets" add constraint "support_tickets_category_check" check ("category" in ('content_edit', 'billing', 'domain', 'technical', 'cancellation', 'general'));`);
    this.addSql(`alter table "support_tickets" add constraint "support_tickets_priority_check" check ("priority" in ('low', 'normal', 'high', 'urgent'));`);
    this.addSql(`alter table "support_tickets" add constraint "support_tickets_status_check" check ("status" in ('open', 'awaiting_agent', 'awaiting_customer', 'resolved', 'closed'));`);

    this.addSql(`alter table "edit_requests" add constraint "edit_requests_site_id_foreign" foreign key ("site_id") references "sites" ("id");`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_ticket_id_foreign" foreign key ("ticket_id") references "support_tickets" ("id") on delete set null;`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_preview_version_id_foreign" foreign key ("preview_version_id") references "site_versions" ("id") on delete set null;`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_status_check" check ("status" in ('pending', 'generating', 'awaiting_approval', 'published', 'rejected', 'expired'));`);

    this.addSql(`alter table "ticket_messages" add constraint "ticket_messages_ticket_id_foreign" foreign key ("ticket_id") references "support_tickets" ("id") on delete cascade;`);
    this.addSql(`alter table "ticket_messages" add constraint "ticket_messages_author_type_check" check ("author_type" in ('customer', 'ai', 'agent', 'system'));`);

    this.addSql(`alter table "visitor_sessions" add constraint "visitor_sessions_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);

    this.addSql(`alter table "bookings" add constraint "bookings_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "bookings" add constraint "bookings_session_id_foreign" foreign key ("session_id") references "visitor_sessions" ("id") on delete set null;`);

    this.addSql(`alter table "analytics_events" add constraint "analytics_events_session_id_foreign" foreign key ("session_id") references "visitor_sessions" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sites" drop constraint "sites_business_id_foreign";`);
    this.addSql(`alter table "site_versions" drop constraint "site_versions_site_id_foreign";`);
    this.addSql(`alter table "experiments" drop constraint "experiments_site_id_foreign";`);
    this.addSql(`alter table "domain_verification_records" drop constraint "domain_verification_records_site_id_foreign";`);
    this.addSql(`alter table "customer_users" drop constraint "customer_users_primary_site_id_foreign";`);
    this.addSql(`alter table "payments" drop constraint "payments_site_id_foreign";`);
    this.addSql(`alter table "customer_site_ownership" drop constraint "customer_site_ownership_site_id_foreign";`);
    this.addSql(`alter table "subscriptions" drop constraint "subscriptions_site_id_foreign";`);
    this.addSql(`alter table "support_tickets" drop constraint "support_tickets_site_id_foreign";`);
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_site_id_foreign";`);
    this.addSql(`alter table "visitor_sessions" drop constraint "visitor_sessions_site_id_foreign";`);
    this.addSql(`alter table "bookings" drop constraint "bookings_site_id_foreign";`);
    this.addSql(`alter table "sites" drop constraint "sites_current_version_id_foreign";`);
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_preview_version_id_foreign";`);
    this.addSql(`alter table "experiment_assignments" drop constraint "experiment_assignments_experiment_id_foreign";`);
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_customer_id_foreign";`);
    this.addSql(`alter table "payments" drop constraint "payments_customer_id_foreign";`);
    this.addSql(`alter table "one_time_tokens" drop constraint "one_time_tokens_customer_id_foreign";`);
    this.addSql(`alter table "customer_site_ownership" drop constraint "customer_site_ownership_customer_id_foreign";`);
    this.addSql(`alter table "subscriptions" drop constraint "subscriptions_customer_id_foreign";`);
    this.addSql(`alter table "support_tickets" drop constraint "support_tickets_customer_id_foreign";`);
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_ticket_id_foreign";`);
    this.addSql(`alter table "ticket_messages" drop constraint "ticket_messages_ticket_id_foreign";`);
    this.addSql(`alter table "bookings" drop constraint "bookings_session_id_foreign";`);
    this.addSql(`alter table "analytics_events" drop constraint "analytics_events_session_id_foreign";`);

    this.addSql(`drop table if exists "businesses" cascade;`);
    this.addSql(`drop table if exists "email_messages" cascade;`);
    this.addSql(`drop table if exists "sites" cascade;`);
    this.addSql(`drop table if exists "site_versions" cascade;`);
    this.addSql(`drop table if exists "experiments" cascade;`);
    this.addSql(`drop table if exists "experiment_assignments" cascade;`);
    this.addSql(`drop table if exists "domain_verification_records" cascade;`);
    this.addSql(`drop table if exists "customer_users" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "payments" cascade;`);
    this.addSql(`drop table if exists "one_time_tokens" cascade;`);
    this.addSql(`drop table if exists "customer_site_ownership" cascade;`);
    this.addSql(`drop table if exists "subscriptions" cascade;`);
    this.addSql(`drop table if exists "support_tickets" cascade;`);
    this.addSql(`drop table if exists "edit_requests" cascade;`);
    this.addSql(`drop table if exists "ticket_messages" cascade;`);
    this.addSql(`drop table if exists "visitor_sessions" cascade;`);
    this.addSql(`drop table if exists "bookings" cascade;`);
    this.addSql(`drop table if exists "analytics_events" cascade;`);
    this.addSql(`drop table if exists "webhook_events" cascade;`);
  }

}
