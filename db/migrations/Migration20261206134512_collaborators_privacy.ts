import { Migration } from '@mikro-orm/migrations';

export class Migration20261206134512_collaborators_privacy extends Migration {

  override name = 'Migration20261206134512_collaborators_privacy';

  override up(): void | Promise<void> {
    this.addSql(`create table "erasure_requests" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "subject" text not null, "customer_id" uuid null, "subject_email" varchar(255) null, "pseudonym" varchar(255) not null, "status" text not null default 'pending', "erase_after" timestamptz not null, "requested_by" varchar(255) not null, "reason" text null, "cancelled_at" timestamptz null, "completed_at" timestamptz null, "summary" jsonb null, primary key ("id"));`);
    this.addSql(`create unique index "erasure_requests_one_pending_customer" on "erasure_requests" ("customer_id") where "status" = 'pending';`);
    this.addSql(`create table "collaborator_invitations" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "site_id" uuid not null, "email" varchar(255) not null, "invited_by_id" uuid null, "token_hash" varchar(255) not null, "status" text not null default 'pending', "expires_at" timestamptz not null, "answered_at" timestamptz null, "accepted_by_id" uuid null, primary key ("id"));`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create unique index "collaborator_invitations_one_pending" on "collaborator_invitations" ("site_id", "email") where "status" = 'pending';`);
    this.addSql(`alter table "erasure_requests" add constraint "erasure_requests_customer_id_foreign" foreign key ("customer_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "erasure_requests" add constraint "erasure_requests_subject_check" check ("subject" in ('customer', 'visitor'));`);
    this.addSql(`alter table "erasure_requests" add constraint "erasure_requests_status_check" check ("status" in ('pending', 'cancelled', 'completed'));`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_invited_by_id_foreign" foreign key ("invited_by_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_accepted_by_id_foreign" foreign key ("accepted_by_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_email_check" check (email = lower(email));`);
    this.addSql(`alter table "collaborator_invitations" add constraint "collaborator_invitations_status_check" check ("status" in ('pending', 'accepted', 'cancelled', 'expired'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "collaborator_invitations" cascade;`);
    this.addSql(`drop table if exists "erasure_requests" cascade;`);
  }

}
