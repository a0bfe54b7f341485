import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where journey screenshots are kept (git-ignored; CI keeps them as artifacts). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../.artifacts/screenshots');

/** Starts Debian's Chromium headless, as CI runs it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Saves a full-page screenshot of the journey's last page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

let axeSource: string | undefined;

/** Runs axe-core in the page; fails the test on any serious or critical violation, naming them. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  axeSource ??= await readFile(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
  // Through the DevTools protocol, so the page's CSP (script-src 'self') does not apply to the injected checker.
  await page.evaluate(axeSource);
  const result = await page.evaluate<AxeResult>("axe.run(document, { resultTypes: ['violations'] })");
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(serious, `accessibility of ${label} (${page.url()})`).toEqual([]);
}

/** Fills a sign-in form (portal or console) and waits for the page it leads to. */
async function signIn(page: Page, signInUrl: string, credentials: { email: string; password: string }, landingHeading: string): Promise<void> {
  await page.goto(signInUrl);
  await page.getByLabel('Email address').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: landingHeading }).waitFor();
}

/** Signs an owner in through the portal's form and waits for My sites. */
export function signInOwner(page: Page, base: string, owner: { email: string; password: string }): Promise<void> {
  return signIn(page, `${base}/account/sign-in`, owner, 'My sites');
}

/** Signs an operator in through the console's form and waits for the ticket queue. */
export function signInOperator(page: Page, base: string, operator: { email: string; password: string }): Promise<void> {
  return signIn(page, `${base}/console/sign-in`, operator, 'Ticket queue');
}
