import { Migration } from '@mikro-orm/migrations';

const MONTH_OF = (column: string) => `(date_trunc('month', ${column} at time zone 'UTC'))::date`;

export class Migration20261206133855_report_rollups extends Migration {

  override name = 'Migration20261206133855_report_rollups';

  override up(): void | Promise<void> {
    this.addSql(`create table "site_payment_months" ("id" uuid not null, "site_id" uuid not null, "month" date not null, "currency" varchar(3) not null, "purchase_cents" int not null default 0, "subscription_cents" int not null default 0, "refund_cents" int not null default 0, "paid_cents" int not null default 0, "prev_paid" boolean not null default false, "next_paid" boolean not null default false, "cohort" date null, primary key ("id"));`);
    this.addSql(`create index "site_payment_months_month_index" on "site_payment_months" ("month");`);
    this.addSql(`alter table "site_payment_months" add constraint "site_payment_months_site_id_month_unique" unique ("site_id", "month");`);
    this.addSql(`alter table "site_payment_months" add constraint "site_payment_months_site_id_foreign" foreign key ("site_id") references "sites" ("id") on delete cascade;`);
    this.addSql(`create index "payments_site_id_paid_at_index" on "payments" ("site_id", "paid_at");`);
    // For the month of the old and of the new payment row: recompute the site's month from its payments, then the
    // paid-before / paid-after flags around it and the site's cohort.
    this.addSql(`create function "payments_roll_up_months"() returns trigger language plpgsql as $$
declare
  target record;
  totals record;
begin
  for target in
    select distinct site_id, month from (
      select old.site_id as site_id, ${MONTH_OF('old.paid_at')} as month where tg_op in ('UPDATE', 'DELETE') and old.paid_at is not null
      union all
      select new.site_id, ${MONTH_OF('new.paid_at')} where tg_op in ('INSERT', 'UPDATE') and new.paid_at is not null
    ) changed
  loop
    select min(currency) as currency, count(*) as payments,
           coalesce(sum(amount_cents) filter (where kind = 'purchase'), 0) as purchase_cents,
           coalesce(sum(amount_cents) filter (where kind = 'subscription'), 0) as subscription_cents,
           coalesce(sum(amount_cents) filter (where status = 'refunded'), 0) as refund_cents,
           coalesce(sum(amount_cents) filter (where kind = 'subscription' and status = 'succeeded'), 0) as paid_cents
      into totals
      from payments
     where site_id = target.site_id and status <> 'failed'
       and paid_at >= target.month::timestamp at time zone 'UTC' and paid_at < (target.month + interval '1 month') at time zone 'UTC';
    if totals.payments = 0 then
      delete from site_payment_months where site_id = target.site_id and month = target.month;
    else
      insert into site_payment_months (id, site_id, month, currency, purchase_cents, subscription_cents, refund_cents, paid_cents)
      values (gen_random_uuid(), target.site_id, target.month, totals.currency, totals.purchase_cents, totals.subscription_cents, totals.refund_cents, totals.paid_cents)
      on conflict (site_id, month) do update set currency = excluded.currency, purchase_cents = excluded.purchase_cents,
        subscription_cents = excluded.subscription_cents, refund_cents = excluded.refund_cents, paid_cents = excluded.paid_cents;
    end if;
    update site_payment_months m
       set prev_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month - interval '1 month')::date and o.paid_cents > 0),
           next_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month + interval '1 month')::date and o.paid_cents > 0)
     where m.site_id = target.site_id and m.month between (target.month - interval '1 month')::date and (target.month + interval '1 month')::date;
    update site_payment_months m
       set cohort = (select min(o.month) from site_payment_months o where o.site_id = target.site_id and o.paid_cents > 0)
     where m.site_id = target.site_id
       and m.cohort is distinct from (select min(o.month) from site_payment_months o where o.site_id = target.site_id and o.paid_cents > 0);
  end loop;
  return null;
end $$;`);
    this.addSql(`create trigger "payments_roll_up_months" after insert or update or delete on "payments" for each row execute function "payments_roll_up_months"();`);
    // The payments already recorded.
    this.addSql(`insert into site_payment_months (id, site_id, month, currency, purchase_cents, subscription_cents, refund_cents, paid_cents)
  select gen_random_uuid(), site_id, ${MONTH_OF('paid_at')}, min(currency),
         coalesce(sum(amount_cents) filter (where kind = 'purchase'), 0),
         coalesce(sum(amount_cents) filter (where kind = 'subscription'), 0),
         coalesce(sum(amount_cents) filter (where status = 'refunded'), 0),
         coalesce(sum(amount_cents) filter (where kind = 'subscription' and status = 'succeeded'), 0)
    from payments where status <> 'failed' and paid_at is not null
   group by site_id, ${MONTH_OF('paid_at')};`);
    this.addSql(`update site_payment_months m
   set prev_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month - interval '1 month')::date and o.paid_cents > 0),
       next_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month + interval '1 month')::date and o.paid_cents > 0),
       cohort = f.cohort
  from (select site_id, min(month) as cohort from site_payment_months where paid_cents > 0 group by site_id) f
 where f.site_id = m.site_id;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "payments_roll_up_months" on "payments";`);
    this.addSql(`drop function if exists "payments_roll_up_months"();`);
    this.addSql(`drop index if exists "payments_site_id_paid_at_index";`);
    this.addSql(`drop table if exists "site_payment_months" cascade;`);
  }

}
