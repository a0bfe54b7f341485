import { Migration } from '@mikro-orm/migrations';

/** Purchase holds keep a keyed digest of the client address from now on: the addresses stored so far are erased. */
export class Migration20261206134412_purchase_hold_privacy extends Migration {

  override name = 'Migration20261206134412_purchase_hold_privacy';

  override up(): void | Promise<void> {
    this.addSql(`update "purchase_holds" set "client_ip" = 'erased' where "client_ip" not like 'purchase-hold:%';`);
  }

  override down(): void | Promise<void> {
    // The erased addresses cannot come back.
  }

}
