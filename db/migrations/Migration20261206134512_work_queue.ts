import { Migration } from '@mikro-orm/migrations';

export class Migration20261206134512_work_queue extends Migration {

  override name = 'Migration20261206134512_work_queue';

  override up(): void | Promise<void> {
    this.addSql(`alter table "ticket_messages" add "author_name" varchar(255) null;`);
    this.addSql(`alter table "support_tickets" add "domain_check_requested_at" timestamptz null;`);
    this.addSql(`alter table "edit_requests" add "agent_answer" text null, add "agent_answered_at" timestamptz null, add "agent_answered_by" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "edit_requests" drop column "agent_answer", drop column "agent_answered_at", drop column "agent_answered_by";`);
    this.addSql(`alter table "support_tickets" drop column "domain_check_requested_at";`);
    this.addSql(`alter table "ticket_messages" drop column "author_name";`);
  }

}
