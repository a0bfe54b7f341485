import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { parseCsv } from '../../lib/csv.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { seedReportsDataset } from '../helpers/reports-dataset.js';

let api: TestApi;
let browser: Browser;
let base: string;
const ADMIN = { email: 'reports@webmagic.test', name: 'Rita Reports', password: 'Operator-pass-2026', role: 'admin' as const };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = await createTestApi({ PORT: String(port), PUBLIC_BASE_URL: base });
  await api.app.listen({ host: '127.0.0.1', port });
  await resetDatabase(api.orm);
  await seedOperator(api.orm.em.fork(), ADMIN);
  await seedReportsDataset(api.orm);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('business reports in the console', () => {
  for (const viewport of [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }]) {
    it(`an admin opens the reports, picks MRR history for the first half of 2025 and downloads it as CSV (${viewport.name})`, async () => {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      const page = await context.newPage();
      await signInOperator(page, base, ADMIN);
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Sites per customer' }).waitFor();
      await page.locator('dd', { hasText: '50.0 %' }).waitFor();
      await expectAccessible(page, 'reports page');
      await screenshot(page, `console-reports-${viewport.name}`);

      await page.getByLabel('Report').selectOption('mrr-history');
      await page.getByRole('heading', { level: 2, name: 'MRR history' }).waitFor();
      await page.getByLabel('From month').fill('2025-01');
      await page.getByLabel('To month').fill('2025-06');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(`${base}/console/reports?report=mrr-history&from=2025-01&to=2025-06`);
      await page.getByText('Months 2025-01 to 2025-06 (UTC).', { exact: false }).waitFor();
      const table = page.getByRole('region', { name: 'MRR history' });
      expect(await table.getByRole('row').count()).toBe(7);
      expect(await table.getByRole('row').nth(3).innerText()).toMatch(/^2025-03\s+USD\s+\$380\.00\s+4\s+2\s+0\s+1\s+\$95\.00$/);
      expect(await page.getByLabel('From month').inputValue()).toBe('2025-01');
      await expectAccessible(page, 'MRR history');
      await screenshot(page, `console-reports-mrr-${viewport.name}`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download CSV/ }).click()]);
      expect(download.suggestedFilename()).toBe('webmagic-mrr-history-2025-01-to-2025-06.csv');
      const rows = parseCsv(await readFile(await download.path(), 'utf8'));
      expect(rows[0]).toEqual(['Month', 'Currency', 'MRR', 'Paying sites', 'New', 'Returned', 'Churned', 'Churned MRR']);
      expect(rows.slice(1).map((row) => row[2])).toEqual(['190', '285', '380', '285', '380', '380']);

      await page.getByLabel('Report').selectOption('cohort-retention');
      await page.getByRole('region', { name: 'Monthly cohort retention' }).getByRole('rowheader', { name: '2025-04' }).waitFor();
      await expectAccessible(page, 'cohort retention');
      await screenshot(page, `console-reports-cohorts-${viewport.name}`);
      await context.close();
    });
  }

  it('an agent sees no Reports link, and the page tells them it is for admins', async () => {
    const agent = { email: 'agent@webmagic.test', name: 'Avery Agent', password: 'Operator-pass-2026', role: 'agent' as const };
    await seedOperator(api.orm.em.fork(), agent);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInOperator(page, base, agent);
    expect(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).count()).toBe(0);
    await page.goto(`${base}/console/reports`);
    await page.getByRole('alert').getByText('Only operators with the admin role can read and download the business reports', { exact: false }).waitFor();
    await context.close();
  });
});
