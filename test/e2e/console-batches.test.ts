import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let base: string;
const OPERATOR = { email: 'admin@webmagic.test', name: 'Ada Admin', password: 'Operator-pass-2026', role: 'admin' as const };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base });
  await resetDatabase(stack.api.orm);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const jpeg = (background: string) => sharp({ create: { width: 1600, height: 1000, channels: 3, background } }).jpeg().toBuffer();

describe('preview batches in the console', () => {
  it('imports a CSV with photos, follows the batch to the end, and opens a generated preview with its photos', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInOperator(page, base, OPERATOR);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('heading', { level: 1, name: 'Preview batches' }).waitFor();

    const csv = [
      'name,category,address,city,phone,email,hours,rating,review_count,services,photos',
      'Panadería Ñandú,Bakery,4a Calle 12,Antigua,+502 5555 4101,,Mon–Sat=6am–7pm,4.8,52,Sourdough|Cakes to order,shop.jpg|bread.jpg',
      'Rivera Plumbing,Plumber,88 Riverside Dr,Austin,+1 512 555 0190,,,,,Leak repair|Water heaters,',
      'No Phone Salon,Hair salon,1 Main St,Austin,,,,,,,',
    ].join('\n');
    await page.getByLabel('Batch name').fill('Antigua and Austin');
    await page.getByLabel('Listings file (.csv or .json)').setInputFiles({ name: 'listings.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('Photos the listings name (optional)').setInputFiles([
      { name: 'shop.jpg', mimeType: 'image/jpeg', buffer: await jpeg('#8c4a2f') },
      { name: 'bread.jpg', mimeType: 'image/jpeg', buffer: await jpeg('#d9a441') },
    ]);
    await page.getByRole('button', { name: 'Import and generate' }).click();
    const report = page.getByRole('region', { name: 'Import report' });
    await report.getByText('2 accepted, 0 duplicates, 1 refused.').waitFor();
    await expect(report.getByRole('listitem').allTextContents()).resolves.toEqual(['Row 4 (No Phone Salon): The phone number is missing.']);
    await expectAccessible(page, 'the batches page with an import report');

    await report.getByRole('link', { name: 'Follow the batch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Antigua and Austin' }).waitFor();
    // The page refreshes itself while the batch runs.
    await page.getByText('Completed', { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'panaderia-nandu' }).waitFor();
    expect(await page.getByRole('link', { name: "Open the batch's workflow in the Temporal UI" }).getAttribute('href')).toContain('preview-batch');
    await expectAccessible(page, 'a finished batch');
    await screenshot(page, 'console-batch-finished');

    const previewLink = page.getByRole('link', { name: 'panaderia-nandu' });
    const href = await previewLink.getAttribute('href');
    const preview = await context.newPage();
    await preview.goto(href!);
    await preview.getByRole('heading', { level: 1 }).filter({ hasText: 'Panadería Ñandú' }).first().waitFor();
    // The hero photo and the gallery photo (lazy: scrolled to) load, each in a size the browser chose from its srcset.
    await preview.locator('img').last().scrollIntoViewIfNeeded();
    await preview.waitForFunction('[...document.images].every((img) => img.complete && img.naturalWidth > 0)');
    const images = await preview.evaluate<{ src: string; width: number }[]>('[...document.images].map((img) => ({ src: img.currentSrc, width: img.naturalWidth }))');
    expect(images).toHaveLength(2);
    for (const image of images) expect(image.src).toMatch(/\/_wm\/photos\/[0-9a-f-]{36}\/(320|640|1024|1600)\.(avif|webp|jpg)$/);
    await expect(preview.getByText('+502 5555 4101').first().isVisible()).resolves.toBe(true);
    await screenshot(preview, 'generated-preview-with-photos');
    await context.close();
  }, 120_000);
});
