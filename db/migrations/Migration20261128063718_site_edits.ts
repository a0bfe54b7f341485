import { Migration } from '@mikro-orm/migrations';

export class Migration20261128063718_site_edits extends Migration {

  override name = 'Migration20261128063718_site_edits';

  override up(): void | Promise<void> {
    this.addSql(`alter table "site_versions" add "discarded_at" timestamptz null;`);

    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_status_check";`);
    this.addSql(`alter table "edit_requests" add "requested_by_id" uuid null, add "base_version_id" uuid null, add "preview_token_hash" varchar(64) null, add "expires_at" timestamptz null;`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_requested_by_id_foreign" foreign key ("requested_by_id") references "customer_users" ("id") on delete set null;`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_base_version_id_foreign" foreign key ("base_version_id") references "site_versions" ("id") on delete set null;`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_preview_token_hash_unique" unique ("preview_token_hash");`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_status_check" check ("status" in ('pending', 'generating', 'awaiting_approval', 'published', 'rejected', 'expired', 'needs_agent', 'refused'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_requested_by_id_foreign";`);
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_base_version_id_foreign";`);

    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_preview_token_hash_unique";`);
    this.addSql(`alter table "edit_requests" drop constraint "edit_requests_status_check";`);
    this.addSql(`alter table "edit_requests" drop column "requested_by_id", drop column "base_version_id", drop column "preview_token_hash", drop column "expires_at";`);
    this.addSql(`alter table "edit_requests" add constraint "edit_requests_status_check" check ("status" in ('pending', 'generating', 'awaiting_approval', 'published', 'rejected', 'expired'));`);

    this.addSql(`alter table "site_versions" drop column "discarded_at";`);
  }

}
