import { Migration } from '@mikro-orm/migrations';

export class Migration20261128095357_analytics_daily_dimensions extends Migration {

  override name = 'Migration20261128095357_analytics_daily_dimensions';

  override up(): void | Promise<void> {
    this.addSql(`create table "analytics_daily_dimensions" ("id" uuid not null, "site_id" uuid not null, "day" timestamptz not null, "dimension" varchar(20) not null, "value" varchar(255) not null, "sessions" int not null default 0, primary key ("id"));`);
    this.addSql(`create index "analytics_daily_dimensions_day_index" on "analytics_daily_dimensions" ("day");`);
    this.addSql(`alter table "analytics_daily_dimensions" add constraint "analytics_daily_dimensions_site_id_day_dimension_value_unique" unique ("site_id", "day", "dimension", "value");`);

    this.addSql(`alter table "analytics_daily_dimensions" add constraint "analytics_daily_dimensions_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);

    // Existing hourly dimension rows become their days, so dashboards keep their history.
    this.addSql(`insert into "analytics_daily_dimensions" ("id", "site_id", "day", "dimension", "value", "sessions") select gen_random_uuid(), "site_id", date_trunc('day', "hour", 'UTC'), "dimension", "value", sum("sessions") from "analytics_hourly_dimensions" group by "site_id", date_trunc('day', "hour", 'UTC'), "dimension", "value";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "analytics_daily_dimensions" cascade;`);
  }

}
