/**
 * Claims per second end to end, for `npm run bench`: each claim is a real purchase through the API (claim
 * workflow, checkout opened at the simulated Recurrente), the checkout page's "pay" button, the provider's signed
 * webhook, the inbox and its relay, and the claim workflow on a real worker (provider check, payment, owner,
 * ownership, welcome and confirmation emails, the subscription workflow started). A claim's time runs from the
 * purchase request until its workflow has completed.
 *
 * The baseline, measured in the same run against the same worker, database and Temporal server, starts the same
 * number of bare workflows (`claim-baseline-workflow.ts`) that run the same activities' database writes and
 * emails directly: the ratio is what the real path (API, provider round trips, webhook, relay, signal, checks,
 * subscription start) costs over the writes themselves.
 */
import type { Client } from '@temporalio/client';
import type { ClaimOutcome } from '../workflows/claim/contract.js';
import type { claimSiteWorkflow } from '../workflows/claim/workflow.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { claimBaselineWorkflow } from './claim-baseline-workflow.js';
import { percentile } from './stats.js';

/** Completed claims per second and the p50 / p99 of each claim's time, in ms. */
export interface ClaimsRun { perSecond: number; p50: number; p99: number }

type Site = { id: string; slug: string };

/** Runs `run` on every site, `concurrency` at a time; answers the rate and latencies. */
async function timed(sites: Site[], concurrency: number, run: (site: Site, i: number) => Promise<void>): Promise<ClaimsRun> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < sites.length) {
      const i = next++;
      const t0 = performance.now();
      await run(sites[i]!, i);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: sites.length / seconds, p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) };
}

/** Buys each site through the API and the simulated provider's checkout page; waits for each claim workflow to complete. */
export function endToEndClaims(appUrl: string, client: Client, sites: Site[], concurrency: number): Promise<ClaimsRun> {
  return timed(sites, concurrency, async (site, i) => {
    const purchase = await fetch(`${appUrl}/api/v1/sites/${site.slug}/purchase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `claim-buyer-${i}@example.com`, name: 'Bench Buyer' }),
    });
    if (purchase.status !== 200) throw new Error(`purchase of ${site.slug} answered ${purchase.status}: ${await purchase.text()}`);
    const { checkout_url: checkoutUrl } = (await purchase.json()) as { checkout_url: string };
    const paid = await fetch(`${checkoutUrl}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=payer%40example.com&full_name=Payer',
      redirect: 'manual',
    });
    if (paid.status !== 303) throw new Error(`paying ${site.slug} answered ${paid.status}`);
    const outcome: ClaimOutcome = await client.workflow.getHandle<typeof claimSiteWorkflow>(workflowIds.claim(site.id)).result();
    if (outcome.status !== 'completed') throw new Error(`claim of ${site.slug} ended ${outcome.status}`);
  });
}

/** The baseline: one bare workflow per site running the claim's writes and emails, started and awaited by the client. */
export function baselineClaims(client: Client, taskQueue: string, publicBaseUrl: string, sites: Site[], concurrency: number): Promise<ClaimsRun> {
  return timed(sites, concurrency, (site, i) => client.workflow.execute(claimBaselineWorkflow, {
    taskQueue,
    workflowId: `claim-baseline:${site.id}`,
    args: [{ siteId: site.id, paymentIntentId: `pa_baseline_${i}`, claimant: { email: `baseline-buyer-${i}@example.com`, name: 'Bench Buyer' }, publicBaseUrl }],
  }));
}
