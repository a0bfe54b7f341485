import { Migration } from '@mikro-orm/migrations';

export class Migration20261128063335_portal_operators extends Migration {

  override name = 'Migration20261128063335_portal_operators';

  override up(): void | Promise<void> {
    this.addSql(`create table "operators" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "email" varchar(255) not null, "name" varchar(255) not null, "password_hash" varchar(255) not null, "role" text not null default 'agent', "is_active" boolean not null default true, "last_login_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "operators" add constraint "operators_email_unique" unique ("email");`);

    this.addSql(`create table "operator_sessions" ("id" uuid not null, "created_at" timestamptz not null, "operator_id" uuid not null, "token_hash" varchar(255) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "operator_sessions" add constraint "operator_sessions_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "ticket_actions" ("id" uuid not null, "created_at" timestamptz not null, "ticket_id" uuid not null, "operator_id" uuid null, "actor_name" varchar(255) not null, "action" text not null, "detail" text null, primary key ("id"));`);
    this.addSql(`create index "ticket_actions_ticket_id_index" on "ticket_actions" ("ticket_id");`);

    this.addSql(`alter table "support_tickets" add "ai_draft" text null;`);

    this.addSql(`alter table "operators" add constraint "operators_email_check" check (email = lower(email));`);
    this.addSql(`alter table "operators" add constraint "operators_role_check" check ("role" in ('agent', 'admin'));`);

    this.addSql(`alter table "operator_sessions" add constraint "operator_sessions_operator_id_foreign" foreign key ("operator_id") references "operators" ("id") on delete cascade;`);

    this.addSql(`alter table "ticket_actions" add constraint "ticket_actions_ticket_id_foreign" foreign key ("ticket_id") references "support_tickets" ("id") on delete cascade;`);
    this.addSql(`alter table "ticket_actions" add constraint "ticket_actions_operator_id_foreign" foreign key ("operator_id") references "operators" ("id") on delete set null;`);
    this.addSql(`alter table "ticket_actions" add constraint "ticket_actions_action_check" check ("action" in ('reply', 'assign', 'resolve'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "operator_sessions" drop constraint "operator_sessions_operator_id_foreign";`);
    this.addSql(`alter table "ticket_actions" drop constraint "ticket_actions_operator_id_foreign";`);

    this.addSql(`drop table if exists "operators" cascade;`);
    this.addSql(`drop table if exists "operator_sessions" cascade;`);
    this.addSql(`drop table if exists "ticket_actions" cascade;`);

    this.addSql(`alter table "support_tickets" drop column "ai_draft";`);
  }

}
