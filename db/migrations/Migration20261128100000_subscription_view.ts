import { Migration } from '@mikro-orm/migrations';

export class Migration20261128100000_subscription_view extends Migration {

  override name = 'Migration20261128100000_subscription_view';

  override up(): void | Promise<void> {
    this.addSql(`alter table "subscriptions" add column "provider_subscription_ended" boolean not null default false, add column "last_payment_failure" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "subscriptions" drop column "provider_subscription_ended", drop column "last_payment_failure";`);
  }

}
