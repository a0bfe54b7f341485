import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSISTANT_DATA_DIR, loadHelpArticles } from '../../../lib/assistant/dataset.js';
import { LocalTicketAssistant } from '../../../lib/assistant/local-assistant.js';
import { systemPrompt } from '../../../lib/assistant/openai-assistant.js';
import { loadLabelledTickets } from '../../../lib/assistant/dataset.js';
import { loadConfig } from '../../../lib/config.js';
import { formatMoney } from '../../../lib/money.js';

// An amount of money written out: a currency sign or code next to digits ($495, USD 95, Q 760, 95 dollars).
const HARD_CODED_PRICE = /(?:[$€£]|\b(?:USD|GTQ|Q)\s?)\d|\b\d[\d,.]*\s?(?:dollars?|usd|gtq|quetzal(?:es)?)\b/i;

describe('prices in the help articles and the assistant follow the configuration', () => {
  it('no article, and no assistant source file, writes a price of its own', () => {
    const raw = readFileSync(new URL('help-articles.json', ASSISTANT_DATA_DIR), 'utf8');
    expect(raw).not.toMatch(HARD_CODED_PRICE);
    expect(raw).not.toMatch(/\b(?:495|95)\b/);
    for (const file of ['reply.ts', 'openai-assistant.ts', 'local-assistant.ts', 'knowledge-base.ts', 'handoff.ts']) {
      expect(readFileSync(new URL(`../../../lib/assistant/${file}`, import.meta.url), 'utf8'), file).not.toMatch(HARD_CODED_PRICE);
    }
    expect(raw).toContain('{purchase_price}');
    expect(raw).toContain('{monthly_price}');
  });

  it('writes the configured prices and currency into the articles, the assistant’s replies and the model prompt', () => {
    const prices = loadConfig({ PURCHASE_AMOUNT_CENTS: '380000', MONTHLY_AMOUNT_CENTS: '72500', CURRENCY: 'GTQ' }).pricing;
    const [purchase, monthly] = [formatMoney(380_000, 'GTQ'), formatMoney(72_500, 'GTQ')];
    const articles = loadHelpArticles(prices);
    const billing = articles.find((a) => a.id === 'billing-overview')!;
    expect(billing.title).toBe(`How billing works: the ${purchase} claim and the ${monthly} monthly plan`);
    expect(billing.summary).toContain(`one-time payment of ${purchase}`);
    for (const article of articles) {
      expect(JSON.stringify(article)).not.toMatch(/\{[a-z_]+\}/);
      expect(JSON.stringify(article)).not.toContain('$');
    }

    const assistant = new LocalTicketAssistant({ tickets: loadLabelledTickets(), articles });
    const triage = assistant.triageSync({ subject: 'Monthly charge', description: 'How much will I be charged every month for my site? Is the monthly payment taken automatically from my card?' });
    expect(triage.category).toBe('billing');
    expect(triage.reply).toContain(`${monthly} per month per site`);
    expect(triage.reply).not.toContain('$');

    const prompt = systemPrompt(prices);
    expect(prompt).toContain(`Owners pay ${purchase} once to claim their site and ${monthly} per month per site`);
    expect(prompt).not.toMatch(/\$\d/);
  });

  it('defaults to the configured prices ($495 and $95 unless set otherwise)', () => {
    const billing = loadHelpArticles().find((a) => a.id === 'billing-overview')!;
    const { pricing } = loadConfig();
    expect(billing.summary).toBe(`Claiming a site is a one-time payment of ${formatMoney(pricing.purchaseAmountCents, pricing.currency)}; keeping it online, hosted and supported is ${formatMoney(pricing.monthlyAmountCents, pricing.currency)} per month per site.`);
  });
});
