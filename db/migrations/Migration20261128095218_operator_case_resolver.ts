import { Migration } from '@mikro-orm/migrations';

export class Migration20261128095218_operator_case_resolver extends Migration {

  override name = 'Migration20261128095218_operator_case_resolver';

  override up(): void | Promise<void> {
    this.addSql(`alter table "operator_cases" add "resolved_by_id" uuid null, add "resolved_by_name" varchar(255) null;`);
    this.addSql(`alter table "operator_cases" add constraint "operator_cases_resolved_by_id_foreign" foreign key ("resolved_by_id") references "operators" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "operator_cases" drop constraint "operator_cases_resolved_by_id_foreign";`);

    this.addSql(`alter table "operator_cases" drop column "resolved_by_id", drop column "resolved_by_name";`);
  }

}
