import { Migration } from '@mikro-orm/migrations';

export class Migration20261206170512_preview_batches extends Migration {

  override name = 'Migration20261206170512_preview_batches';

  override up(): void | Promise<void> {
    this.addSql(`create table "email_suppressions" ("email" varchar(255) not null, "reason" text not null, "created_at" timestamptz not null, primary key ("email"));`);
    this.addSql(`alter table "email_suppressions" add constraint "email_suppressions_reason_check" check ("reason" in ('unsubscribed', 'bounced', 'spam_complaint', 'manual'));`);
    this.addSql(`create table "preview_batches" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(255) not null, "status" text not null default 'running', "accepted" int not null, "send_outreach" boolean not null default false, "created_by" varchar(255) null, "cancelled_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "preview_batches" add constraint "preview_batches_status_check" check ("status" in ('running', 'completed', 'cancelled'));`);
    this.addSql(`create table "site_sentences" ("hash" varchar(64) not null, "site_id" uuid not null, primary key ("hash", "site_id"));`);
    this.addSql(`alter table "site_sentences" add constraint "site_sentences_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`create table "preview_listings" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "batch_id" uuid not null, "position" int not null, "row_number" int not null, "listing" jsonb not null, "phone_key" varchar(255) not null, "name_address_key" varchar(255) not null, "status" text not null default 'pending', "reason" text null, "attempts" int not null default 0, "site_id" uuid null, "expires_at" timestamptz null, "retired_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "preview_listings_phone_key_index" on "preview_listings" ("phone_key");`);
    this.addSql(`create index "preview_listings_name_address_key_index" on "preview_listings" ("name_address_key");`);
    this.addSql(`alter table "preview_listings" add constraint "preview_listings_site_id_unique" unique ("site_id");`);
    this.addSql(`create index "preview_listings_batch_id_status_index" on "preview_listings" ("batch_id", "status");`);
    this.addSql(`create index "preview_listings_expires_at_index" on "preview_listings" ("expires_at") where "retired_at" is null;`);
    this.addSql(`alter table "preview_listings" add constraint "preview_listings_batch_id_position_unique" unique ("batch_id", "position");`);
    this.addSql(`alter table "preview_listings" add constraint "preview_listings_batch_id_foreign" foreign key ("batch_id") references "preview_batches" ("id") on delete cascade;`);
    this.addSql(`alter table "preview_listings" add constraint "preview_listings_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete set null;`);
    this.addSql(`alter table "preview_listings" add constraint "preview_listings_status_check" check ("status" in ('pending', 'done', 'failed', 'held', 'cancelled'));`);
    this.addSql(`create table "outreach_messages" ("id" uuid not null, "created_at" timestamptz not null, "listing_id" uuid not null, "kind" text not null, "outcome" text not null, "send_day" varchar(10) null, primary key ("id"));`);
    this.addSql(`create index "outreach_messages_send_day_index" on "outreach_messages" ("send_day");`);
    this.addSql(`alter table "outreach_messages" add constraint "outreach_messages_listing_id_kind_unique" unique ("listing_id", "kind");`);
    this.addSql(`alter table "outreach_messages" add constraint "outreach_messages_listing_id_foreign" foreign key ("listing_id") references "preview_listings" ("id") on delete cascade;`);
    this.addSql(`alter table "outreach_messages" add constraint "outreach_messages_kind_check" check ("kind" in ('preview', 'follow_up'));`);
    this.addSql(`alter table "outreach_messages" add constraint "outreach_messages_outcome_check" check ("outcome" in ('sent', 'suppressed', 'claimed', 'nothing_to_report', 'retired'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "outreach_messages";`);
    this.addSql(`drop table if exists "preview_listings";`);
    this.addSql(`drop table if exists "site_sentences";`);
    this.addSql(`drop table if exists "preview_batches";`);
    this.addSql(`drop table if exists "email_suppressions";`);
  }

}
