import { Migration } from '@mikro-orm/migrations';

export class Migration20261206143000_webhook_trace_parent extends Migration {

  override name = 'Migration20261206143000_webhook_trace_parent';

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_events" add "trace_parent" varchar(55) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_events" drop column "trace_parent";`);
  }

}
