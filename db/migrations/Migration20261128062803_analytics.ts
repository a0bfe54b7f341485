import { Migration } from '@mikro-orm/migrations';

export class Migration20261128062803_analytics extends Migration {

  override name = 'Migration20261128062803_analytics';

  override up(): void | Promise<void> {
    this.addSql(`create table "analytics_hourly_dimensions" ("id" uuid not null, "site_id" uuid not null, "hour" timestamptz not null, "dimension" varchar(20) not null, "value" varchar(255) not null, "sessions" int not null default 0, primary key ("id"));`);
    this.addSql(`create index "analytics_hourly_dimensions_hour_index" on "analytics_hourly_dimensions" ("hour");`);
    this.addSql(`alter table "analytics_hourly_dimensions" add constraint "analytics_hourly_dimensions_site_id_hour_dimension_value_unique" unique ("site_id", "hour", "dimension", "value");`);

    this.addSql(`create table "analytics_hourly" ("id" uuid not null, "site_id" uuid not null, "hour" timestamptz not null, "visitors" int not null default 0, "sessions" int not null default 0, "page_views" int not null default 0, "bounces" int not null default 0, "duration_seconds" bigint not null default '0', "bot_views" int not null default 0, "cta_call" int not null default 0, "cta_email" int not null default 0, "cta_claim" int not null default 0, "bookings" int not null default 0, "claims_started" int not null default 0, "checkouts_opened" int not null default 0, "purchases" int not null default 0, primary key ("id"));`);
    this.addSql(`create index "analytics_hourly_hour_index" on "analytics_hourly" ("hour");`);
    this.addSql(`alter table "analytics_hourly" add constraint "analytics_hourly_site_id_hour_unique" unique ("site_id", "hour");`);

    this.addSql(`alter table "experiments" drop column "is_active";`);
    this.addSql(`alter table "experiments" add "slot" varchar(255) not null, add "goal" varchar(255) not null, add "status" text not null default 'draft', add "winner" varchar(255) null, add "started_at" timestamptz null, add "stopped_at" timestamptz null;`);
    this.addSql(`alter table "experiments" alter column "site_id" drop not null;`);
    this.addSql(`alter table "experiments" add constraint "experiments_status_check" check ("status" in ('draft', 'running', 'stopped'));`);

    this.addSql(`alter table "experiment_assignments" add "converted_at" timestamptz null;`);

    this.addSql(`alter table "visitor_sessions" add "last_seen_at" timestamptz not null, add "device_class" varchar(10) not null default 'desktop', add "page_views" int not null default 0;`);
    this.addSql(`create index "visitor_sessions_site_id_visitor_id_last_seen_at_index" on "visitor_sessions" ("site_id", "visitor_id", "last_seen_at");`);
    this.addSql(`create index "visitor_sessions_started_at_index" on "visitor_sessions" ("started_at");`);

    this.addSql(`alter table "bookings" add "preferred_time" varchar(255) null, add "status" text not null default 'new', add "status_changed_at" timestamptz null;`);
    this.addSql(`create index "bookings_site_id_created_at_index" on "bookings" ("site_id", "created_at");`);
    this.addSql(`alter table "bookings" add constraint "bookings_status_check" check ("status" in ('new', 'contacted', 'booked', 'closed', 'spam'));`);

    this.addSql(`alter table "analytics_events" add "site_id" uuid not null, add "visitor_id" varchar(255) null, add "path" varchar(255) null, add "dedupe_key" varchar(255) null;`);
    this.addSql(`alter table "analytics_events" add constraint "analytics_events_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "analytics_events" alter column "session_id" drop not null;`);
    this.addSql(`alter table "analytics_events" add constraint "analytics_events_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "analytics_events_site_id_at_index" on "analytics_events" ("site_id", "at");`);
    this.addSql(`create index "analytics_events_at_index" on "analytics_events" ("at");`);

    this.addSql(`alter table "analytics_hourly_dimensions" add constraint "analytics_hourly_dimensions_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);

    this.addSql(`alter table "analytics_hourly" add constraint "analytics_hourly_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "analytics_hourly_dimensions" cascade;`);
    this.addSql(`drop table if exists "analytics_hourly" cascade;`);

    this.addSql(`alter table "analytics_events" drop constraint "analytics_events_site_id_foreign";`);

    this.addSql(`alter table "analytics_events" drop constraint "analytics_events_dedupe_key_unique";`);
    this.addSql(`drop index "analytics_events_site_id_at_index";`);
    this.addSql(`drop index "analytics_events_at_index";`);
    this.addSql(`alter table "analytics_events" drop column "site_id", drop column "visitor_id", drop column "path", drop column "dedupe_key";`);
    this.addSql(`alter table "analytics_events" alter column "session_id" set not null;`);

    this.addSql(`drop index "bookings_site_id_created_at_index";`);
    this.addSql(`alter table "bookings" drop constraint "bookings_status_check";`);
    this.addSql(`alter table "bookings" drop column "preferred_time", drop column "status", drop column "status_changed_at";`);

    this.addSql(`alter table "experiment_assignments" drop column "converted_at";`);

    this.addSql(`alter table "experiments" drop constraint "experiments_status_check";`);
    this.addSql(`alter table "experiments" drop column "slot", drop column "goal", drop column "status", drop column "winner", drop column "started_at", drop column "stopped_at";`);
    this.addSql(`alter table "experiments" add "is_active" boolean not null default true;`);
    this.addSql(`alter table "experiments" alter column "site_id" set not null;`);

    this.addSql(`drop index "visitor_sessions_site_id_visitor_id_last_seen_at_index";`);
    this.addSql(`drop index "visitor_sessions_started_at_index";`);
    this.addSql(`alter table "visitor_sessions" drop column "last_seen_at", drop column "device_class", drop column "page_views";`);
  }

}
