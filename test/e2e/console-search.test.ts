import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let siteId: string;
const OWNER = 'maria.lopez@example.com';
const OPERATOR = { email: 'lead@webmagic.test', name: 'Lena Lead', password: 'Operator-pass-2026', role: 'admin' as const };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  // A real claim: checkout paid on the simulated provider, so the customer, payment, subscription and emails are the workflow's own.
  siteId = await buySite(stack, 'plumber-joe', OWNER);
  const token = await accessTokenFor(stack, OWNER);
  const ticket = await stack.api.app.inject({
    method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: { subject: 'Change my opening hours', description: 'We now open at 7am' },
  });
  expect(ticket.statusCode, ticket.body).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

/** Searches from the header's box and waits for the results page. */
async function search(page: Page, query: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search customers, sites, payments and tickets' }).fill(query);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
}

describe('finding customers and sites in the console', () => {
  for (const viewport of [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }]) {
    it(`an operator searches a customer's email, opens the customer, then the site and its workflow links (${viewport.name})`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await signInOperator(page, base, OPERATOR);

      await search(page, 'x');
      await page.getByRole('alert').getByText('Type at least 2 characters to search.').waitFor();

      await search(page, 'MARIA.lopez');
      const customers = page.getByRole('region', { name: /^Customers/ });
      await customers.getByRole('link').first().waitFor();
      await expectAccessible(page, 'search results');
      await screenshot(page, `console-search-${viewport.name}`);
      await customers.getByRole('link').first().click();

      await page.getByRole('heading', { level: 2, name: 'Sites' }).waitFor();
      await page.getByText(OWNER).first().waitFor();
      const sites = page.getByRole('region', { name: 'Sites of this customer' });
      expect(await sites.getByRole('cell', { name: /plumber-joe/ }).count()).toBe(1);
      await page.getByRole('button', { name: /^Revoke/ }).first().waitFor();
      expect(await page.getByRole('region', { name: 'Emails sent to this customer' }).getByRole('row').count()).toBeGreaterThan(1);
      await expectAccessible(page, 'customer page');
      await screenshot(page, `console-customer-${viewport.name}`);

      await sites.getByRole('link').first().click();
      await page.getByRole('heading', { level: 2, name: 'Workflows in the Temporal UI' }).waitFor();
      for (const [name, id] of [['Claim workflow', `claim:${siteId}`], ['Subscription workflow', `subscription:${siteId}`], ['Custom domain workflow', `domain:${siteId}`]] as const) {
        expect(await page.getByRole('link', { name: new RegExp(`^${name}`) }).getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(id)}`);
      }
      await page.getByRole('region', { name: 'Owner and collaborators' }).getByText(`${OWNER} · Owner since`, { exact: false }).waitFor();
      expect(await page.getByRole('heading', { level: 2, name: 'Subscription' }).count()).toBe(1);
      await expectAccessible(page, 'site page');
      await screenshot(page, `console-site-${viewport.name}`);

      const ticketId = (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, { site: siteId })).id;
      await search(page, ticketId.slice(0, 8));
      await page.getByRole('region', { name: /^Tickets/ }).getByRole('link', { name: 'Change my opening hours' }).waitFor();
      await context.close();
    });
  }
});
