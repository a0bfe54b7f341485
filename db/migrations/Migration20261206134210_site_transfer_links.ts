import { Migration } from '@mikro-orm/migrations';

export class Migration20261206134210_site_transfer_links extends Migration {

  override name = 'Migration20261206134210_site_transfer_links';

  override up(): void | Promise<void> {
    this.addSql(`alter table "one_time_tokens" drop constraint if exists "one_time_tokens_purpose_check";`);
    this.addSql(`alter table "one_time_tokens" add constraint "one_time_tokens_purpose_check" check ("purpose" in ('verify_email', 'reset_password', 'set_password', 'accept_transfer'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "one_time_tokens" where "purpose" = 'accept_transfer';`);
    this.addSql(`alter table "one_time_tokens" drop constraint if exists "one_time_tokens_purpose_check";`);
    this.addSql(`alter table "one_time_tokens" add constraint "one_time_tokens_purpose_check" check ("purpose" in ('verify_email', 'reset_password', 'set_password'));`);
  }

}
