import { Migration } from '@mikro-orm/migrations';

export class Migration20261128064145_money_invariants extends Migration {

  override name = 'Migration20261128064145_money_invariants';

  override up(): void | Promise<void> {
    this.addSql(`create table "processed_payments" ("id" uuid not null, "created_at" timestamptz not null, "provider_payment_id" varchar(255) not null, "site_id" uuid not null, "kind" text not null, "outcome" text not null, "workflow_id" varchar(255) not null, "run_id" varchar(255) not null, primary key ("id"));`);
    this.addSql(`alter table "processed_payments" add constraint "processed_payments_provider_payment_id_unique" unique ("provider_payment_id");`);
    this.addSql(`create unique index "processed_payments_one_purchase_per_site" on "processed_payments" ("site_id") where "kind" = 'purchase' and "outcome" = 'applied';`);

    this.addSql(`create table "operator_cases" ("id" uuid not null, "created_at" timestamptz not null, "key" varchar(255) not null, "kind" text not null, "reason" text not null, "site_id" uuid null, "workflow_id" varchar(255) null, "payload" jsonb not null, "resolved_at" timestamptz null, "resolution" text null, primary key ("id"));`);
    this.addSql(`alter table "operator_cases" add constraint "operator_cases_key_unique" unique ("key");`);
    this.addSql(`create index "operator_cases_open" on "operator_cases" ("created_at") where "resolved_at" is null;`);

    this.addSql(`create unique index "customer_site_ownership_one_owner" on "customer_site_ownership" ("site_id") where "role" = 'owner';`);

    this.addSql(`alter table "processed_payments" add constraint "processed_payments_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`alter table "processed_payments" add constraint "processed_payments_kind_check" check ("kind" in ('purchase', 'subscription'));`);
    this.addSql(`alter table "processed_payments" add constraint "processed_payments_outcome_check" check ("outcome" in ('applied', 'refunded', 'parked'));`);

    this.addSql(`alter table "operator_cases" add constraint "operator_cases_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete set null;`);
    this.addSql(`alter table "operator_cases" add constraint "operator_cases_kind_check" check ("kind" in ('refund_refused', 'cancel_refused', 'payment_unverified', 'payment_mismatch', 'email_unsendable'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "processed_payments" cascade;`);
    this.addSql(`drop table if exists "operator_cases" cascade;`);

    this.addSql(`drop index "customer_site_ownership_one_owner";`);
  }

}
