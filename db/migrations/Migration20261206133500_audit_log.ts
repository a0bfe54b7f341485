import { Migration } from '@mikro-orm/migrations';

export class Migration20261206133500_audit_log extends Migration {

  override name = 'Migration20261206133500_audit_log';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_entries" ("id" uuid not null, "created_at" timestamptz not null, "actor_kind" text not null, "actor_id" uuid null, "actor_name" varchar(255) not null, "action" varchar(255) not null, "reason" text null, "customer_id" uuid null, "site_id" uuid null, "details" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "audit_entries_customer" on "audit_entries" ("customer_id", "created_at");`);
    this.addSql(`create index "audit_entries_site" on "audit_entries" ("site_id", "created_at");`);
    this.addSql(`alter table "audit_entries" add constraint "audit_entries_actor_kind_check" check ("actor_kind" in ('operator', 'customer', 'system'));`);
    this.addSql(`create or replace function "audit_entries_audit_entries_append_only_fn"() returns trigger as $$ begin if tg_op = 'UPDATE' and current_setting('webmagic.audit_erasure', true) = 'on' then return new; end if; raise exception 'audit_entries is append-only' using errcode = 'check_violation'; end; $$ language plpgsql;`);
    this.addSql(`create trigger "audit_entries_append_only" BEFORE UPDATE OR DELETE on "audit_entries" for each ROW execute function "audit_entries_audit_entries_append_only_fn"();`);

    this.addSql(`create table "operator_notes" ("id" uuid not null, "created_at" timestamptz not null, "customer_id" uuid null, "site_id" uuid null, "author_id" uuid null, "author_name" varchar(255) not null, "body" text not null, primary key ("id"));`);
    this.addSql(`create index "operator_notes_customer_id_index" on "operator_notes" ("customer_id");`);
    this.addSql(`create index "operator_notes_site_id_index" on "operator_notes" ("site_id");`);
    this.addSql(`alter table "operator_notes" add constraint "operator_notes_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete cascade;`);
    this.addSql(`alter table "operator_notes" add constraint "operator_notes_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "operator_notes" add constraint "operator_notes_author_id_foreign" foreign key ("author_id") references "operators" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "operator_notes" cascade;`);
    this.addSql(`drop table if exists "audit_entries" cascade;`);
    this.addSql(`drop function if exists "audit_entries_audit_entries_append_only_fn"();`);
  }

}
