import type { MikroORM } from '@mikro-orm/postgresql';
import { Business, CustomerSiteOwnership, CustomerUser, Payment, Site, Subscription } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';

/**
 * A small hand-built business for the reports, January to June 2025 (USD, $495 purchase, $95 a month):
 * Ann owns ann-1 (pays every month) and ann-2 (pays Feb–Mar, then stops); Ben owns ben-1 (pays Jan–Feb, a failed
 * charge in March, back in May–June); Cat owns cat-1 (Mar–Jun), cat-2 (March, April's payment refunded) and cat-3
 * (Apr–Jun); Dan bought dan-1 in May and never activated. Eve only collaborates on ann-1.
 */
export const REPORT_SITES: Record<string, { owner: string; bought: string; paid: string[] }> = {
  'ann-1': { owner: 'ann', bought: '2025-01-10', paid: ['2025-01-11', '2025-02-11', '2025-03-11', '2025-04-11', '2025-05-11', '2025-06-11'] },
  'ann-2': { owner: 'ann', bought: '2025-02-05', paid: ['2025-02-06', '2025-03-06'] },
  // Recorded out of order on purpose: the roll-up must still find January as ben-1's first month.
  'ben-1': { owner: 'ben', bought: '2025-01-20', paid: ['2025-05-21', '2025-06-21', '2025-01-21', '2025-02-21'] },
  'cat-1': { owner: 'cat', bought: '2025-03-01', paid: ['2025-03-02', '2025-04-02', '2025-05-02', '2025-06-02'] },
  'cat-2': { owner: 'cat', bought: '2025-03-01', paid: ['2025-03-02', '2025-04-02'] },
  'cat-3': { owner: 'cat', bought: '2025-04-15', paid: ['2025-04-16', '2025-05-16', '2025-06-16'] },
  'dan-1': { owner: 'dan', bought: '2025-05-03', paid: [] },
};

const at = (day: string) => new Date(`${day}T15:00:00Z`);

/** Writes the business above through the ORM (so the payments trigger builds the roll-up), then refunds cat-2's April payment. */
export async function seedReportsDataset(orm: MikroORM): Promise<void> {
  const em = orm.em.fork();
  const people = Object.fromEntries(['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => [
    name, em.create(CustomerUser, { email: `${name}@example.com`, fullName: `${name[0]!.toUpperCase()}${name.slice(1)} Owner` }),
  ]));
  const sites: Record<string, ISite> = {};
  let n = 0;
  for (const [slug, plan] of Object.entries(REPORT_SITES)) {
    const business = em.create(Business, { name: `Business ${slug}`, category: 'plumber' });
    const site = em.create(Site, {
      slug, business, title: `Site ${slug}`, status: plan.paid.length > 0 ? 'active' : 'owned', purchaseAmountCents: 49_500, monthlyAmountCents: 9_500,
      currency: 'USD', subscriptionStatus: plan.paid.length > 0 ? 'active' : 'pending_activation', purchasedAt: at(plan.bought),
    });
    sites[slug] = site;
    const customer = people[plan.owner]!;
    em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: slug.endsWith('-1'), acquiredAt: at(plan.bought) });
    em.create(Subscription, { site, customer, status: plan.paid.length > 0 ? 'active' : 'pending_activation', amountCents: 9_500, currency: 'USD' });
    const pay = (kind: 'purchase' | 'subscription', day: string, status: 'succeeded' | 'failed' = 'succeeded') => {
      n += 1;
      em.create(Payment, {
        provider: 'recurrente', providerPaymentId: `pa_report_${n}`, site, customer, kind, amountCents: kind === 'purchase' ? 49_500 : 9_500,
        currency: 'USD', status, paidAt: status === 'failed' ? null : at(day),
      });
    };
    pay('purchase', plan.bought);
    for (const day of plan.paid) pay('subscription', day);
    if (slug === 'ben-1') pay('subscription', '2025-03-21', 'failed');
  }
  em.create(CustomerSiteOwnership, { customer: people.eve!, site: sites['ann-1']!, role: 'collaborator', acquiredAt: at('2025-02-01') });
  await em.flush();
  const refunded = await em.findOneOrFail(Payment, { site: sites['cat-2']!, kind: 'subscription', paidAt: at('2025-04-02') });
  refunded.status = 'refunded';
  await em.flush();
}
