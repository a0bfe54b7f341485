import { Migration } from '@mikro-orm/migrations';

export class Migration20261123183501_ticket_close_reason extends Migration {

  override name = 'Migration20261123183501_ticket_close_reason';

  override up(): void | Promise<void> {
    this.addSql(`alter table "support_tickets" add "csat_requested_at" timestamptz null, add "close_reason" text null;`);
    this.addSql(`alter table "support_tickets" add constraint "support_tickets_close_reason_check" check ("close_reason" in ('customer', 'agent', 'inactivity'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "support_tickets" drop constraint "support_tickets_close_reason_check";`);
    this.addSql(`alter table "support_tickets" drop column "csat_requested_at", drop column "close_reason";`);
  }

}
