import { Migration } from '@mikro-orm/migrations';

export class Migration20261128062847_hosting_domains extends Migration {

  override name = 'Migration20261128062847_hosting_domains';

  override up(): void | Promise<void> {
    this.addSql(`alter table "domain_verification_records" drop constraint "domain_verification_records_status_check";`);
    this.addSql(`alter table "domain_verification_records" add "last_seen" jsonb null, add "missing_since" timestamptz null;`);
    this.addSql(`alter table "domain_verification_records" add constraint "domain_verification_records_status_check" check ("status" in ('pending', 'txt_verified', 'verified', 'failed', 'expired', 'lapsed'));`);
    // Every writer of what a public page shows notifies the API processes, whose page caches drop that site (api/hosting/).
    this.addSql(`create function "notify_site_changed"() returns trigger language plpgsql as $$
begin
  if tg_level = 'STATEMENT' then
    perform pg_notify('site_changed', '*');
  elsif tg_table_name = 'businesses' then
    perform pg_notify('site_changed', s.id::text) from sites s where s.business_id = new.id;
  elsif tg_table_name = 'sites' then
    if tg_op <> 'INSERT' then perform pg_notify('site_changed', old.id::text); end if;
    if tg_op <> 'DELETE' then perform pg_notify('site_changed', new.id::text); end if;
  else
    perform pg_notify('site_changed', coalesce(new.site_id, old.site_id)::text);
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "sites_notify_changed" after insert or delete or update of "slug", "status", "title", "current_version_id", "custom_domain", "purchase_amount_cents", "monthly_amount_cents", "currency", "business_id" on "sites" for each row execute function "notify_site_changed"();`);
    this.addSql(`create trigger "businesses_notify_changed" after update on "businesses" for each row execute function "notify_site_changed"();`);
    this.addSql(`create trigger "site_versions_notify_changed" after update or delete on "site_versions" for each row execute function "notify_site_changed"();`);
    this.addSql(`create trigger "domain_verification_records_notify_changed" after insert or update or delete on "domain_verification_records" for each row execute function "notify_site_changed"();`);
    for (const table of ['sites', 'businesses', 'site_versions', 'domain_verification_records']) {
      this.addSql(`create trigger "${table}_notify_truncated" after truncate on "${table}" for each statement execute function "notify_site_changed"();`);
    }
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function "notify_site_changed"() cascade;`);
    this.addSql(`alter table "domain_verification_records" drop constraint "domain_verification_records_status_check";`);
    this.addSql(`alter table "domain_verification_records" drop column "last_seen", drop column "missing_since";`);
    this.addSql(`alter table "domain_verification_records" add constraint "domain_verification_records_status_check" check ("status" in ('pending', 'txt_verified', 'verified', 'failed', 'expired'));`);
  }

}
