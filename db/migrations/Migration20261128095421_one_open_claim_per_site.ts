import { Migration } from '@mikro-orm/migrations';

export class Migration20261128095421_one_open_claim_per_site extends Migration {

  override name = 'Migration20261128095421_one_open_claim_per_site';

  override up(): void | Promise<void> {
    this.addSql(`alter table "purchase_holds" add "released_at" timestamptz null;`);
    // Holds whose checkout has expired are over; of several still running on one site (possible before), the newest stays open.
    this.addSql(`update "purchase_holds" set "released_at" = now() where "expires_at" <= now();`);
    this.addSql(`update "purchase_holds" h set "released_at" = now() where "released_at" is null and exists (select 1 from "purchase_holds" o where o."site_id" = h."site_id" and o."released_at" is null and (o."expires_at", o."id") > (h."expires_at", h."id"));`);
    this.addSql(`create unique index "purchase_holds_one_open_per_site" on "purchase_holds" ("site_id") where "released_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "purchase_holds_one_open_per_site";`);
    this.addSql(`alter table "purchase_holds" drop column "released_at";`);
  }

}
