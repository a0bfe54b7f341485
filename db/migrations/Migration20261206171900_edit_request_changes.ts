import { Migration } from '@mikro-orm/migrations';

export class Migration20261206171900_edit_request_changes extends Migration {

  override name = 'Migration20261206171900_edit_request_changes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "edit_requests" add "changes" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "edit_requests" drop column "changes";`);
  }

}
