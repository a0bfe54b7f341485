import { Migration } from '@mikro-orm/migrations';

export class Migration20261128062713_webhook_inbox extends Migration {

  override name = 'Migration20261128062713_webhook_inbox';

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_events" add "body" bytea null, add "attempts" int not null default 0, add "next_attempt_at" timestamptz not null default now(), add "last_error" text null, add "parked_at" timestamptz null, add "parked_reason" text null;`);
    this.addSql(`alter table "webhook_events" alter column "payload" drop not null;`);
    this.addSql(`alter table "webhook_events" alter column "provider_event_id" type text using ("provider_event_id"::text);`);
    this.addSql(`alter table "webhook_events" alter column "type" drop not null;`);
    this.addSql(`create index "webhook_events_pending_index" on "webhook_events" ("next_attempt_at") where "processed_at" is null and "parked_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "webhook_events_pending_index";`);
    this.addSql(`alter table "webhook_events" drop column "body", drop column "attempts", drop column "next_attempt_at", drop column "last_error", drop column "parked_at", drop column "parked_reason";`);
    this.addSql(`alter table "webhook_events" alter column "provider_event_id" type varchar(255) using ("provider_event_id"::varchar(255));`);
    this.addSql(`alter table "webhook_events" alter column "type" set not null;`);
    this.addSql(`alter table "webhook_events" alter column "payload" set not null;`);
  }

}
