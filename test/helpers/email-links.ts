import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { FakePostmark } from '../../lib/postmark/fake.js';

/** Opens a fresh page for one kind of reader (signed in as needed). */
export type OpenPage = () => Promise<Page>;

/** The links of an email's HTML body, unescaped, each once. */
export function emailLinks(html: string): string[] {
  return [...new Set([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')))];
}

/**
 * Opens every link of the newest email of each template, as the reader `readerFor` picks, and expects a 200 with a
 * page that is neither loading, a sign-in form, "not found" nor an error. Answers the walked `template path` pairs.
 */
export async function walkEmailLinks(options: {
  postmark: FakePostmark;
  base: string;
  templates: readonly string[];
  readerFor: (path: string, to: string) => OpenPage;
}): Promise<string[]> {
  const walked: string[] = [];
  for (const template of options.templates) {
    const message = options.postmark.sent().filter((m) => m.Tag === template).at(-1);
    expect(message, `an email of template ${template} was sent`).toBeDefined();
    const links = emailLinks(message!.HtmlBody ?? '');
    expect(links.length, template).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.startsWith(options.base), `${template}: ${link}`).toBe(true);
      const path = new URL(link).pathname;
      const page = await options.readerFor(path, String(message!.To))();
      const response = await page.goto(link);
      expect(response?.status(), `${template}: ${link}`).toBe(200);
      await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 10_000 }).not.toMatch(/^(Loading.*|Sign in|Agent sign in|Page not found)$/);
      expect(await page.locator('[role=alert]').count(), `${template}: ${link} shows an error`).toBe(0);
      walked.push(`${template} ${path}`);
      await page.context().close();
    }
  }
  return walked;
}
