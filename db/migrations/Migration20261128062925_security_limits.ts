import { Migration } from '@mikro-orm/migrations';

export class Migration20261128062925_security_limits extends Migration {

  override name = 'Migration20261128062925_security_limits';

  override up(): void | Promise<void> {
    this.addSql(`create table "purchase_holds" ("id" uuid not null, "created_at" timestamptz not null, "site_id" uuid not null, "email" varchar(255) not null, "client_ip" varchar(255) not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "purchase_holds_email_index" on "purchase_holds" ("email");`);
    this.addSql(`create index "purchase_holds_client_ip_index" on "purchase_holds" ("client_ip");`);
    this.addSql(`alter table "purchase_holds" add constraint "purchase_holds_site_id_email_unique" unique ("site_id", "email");`);

    this.addSql(`create table "rate_limit_counters" ("key" varchar(255) not null, "count" int not null, "window_ends_at" timestamptz not null, "blocked_until" timestamptz null, primary key ("key"));`);
    this.addSql(`create index "rate_limit_counters_window_ends_at_index" on "rate_limit_counters" ("window_ends_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "purchase_holds" cascade;`);
    this.addSql(`drop table if exists "rate_limit_counters" cascade;`);
  }

}
