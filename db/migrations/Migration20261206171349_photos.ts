import { Migration } from '@mikro-orm/migrations';

export class Migration20261206171349_photos extends Migration {

  override name = 'Migration20261206171349_photos';

  override up(): void | Promise<void> {
    this.addSql(`create table "photos" ("id" uuid not null, "created_at" timestamptz not null, "site_id" uuid not null, "kind" text not null, "ticket_id" uuid null, "width" int not null, "height" int not null, "variants" jsonb not null, "alt" varchar(255) null, "created_by_id" uuid null, primary key ("id"));`);
    this.addSql(`create index "photos_site_id_index" on "photos" ("site_id");`);
    this.addSql(`create index "photos_ticket_id_index" on "photos" ("ticket_id");`);
    this.addSql(`alter table "photos" add constraint "photos_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "photos" add constraint "photos_ticket_id_foreign" foreign key ("ticket_id") references "support_tickets" ("id") on delete set null;`);
    this.addSql(`alter table "photos" add constraint "photos_created_by_id_foreign" foreign key ("created_by_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "photos" add constraint "photos_kind_check" check ("kind" in ('logo', 'hero', 'gallery', 'ticket'));`);
    this.addSql(`alter table "edit_requests" add "changes" jsonb null;`);
    this.addSql(`alter table "ticket_actions" drop constraint "ticket_actions_action_check";`);
    this.addSql(`alter table "ticket_actions" add constraint "ticket_actions_action_check" check ("action" in ('reply', 'assign', 'resolve', 'place_photo'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "ticket_actions" where "action" = 'place_photo';`);
    this.addSql(`alter table "ticket_actions" drop constraint "ticket_actions_action_check";`);
    this.addSql(`alter table "ticket_actions" add constraint "ticket_actions_action_check" check ("action" in ('reply', 'assign', 'resolve'));`);
    this.addSql(`alter table "edit_requests" drop column "changes";`);
    this.addSql(`drop table if exists "photos" cascade;`);
  }

}
