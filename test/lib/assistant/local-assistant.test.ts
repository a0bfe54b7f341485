import { beforeAll, describe, expect, it } from 'vitest';
import { loadLabelledTickets } from '../../../lib/assistant/dataset.js';
import { evaluateTriage, evaluateUnattended } from '../../../lib/assistant/evaluation.js';
import { LocalTicketAssistant, MAX_TRIAGE_TEXT_CHARS } from '../../../lib/assistant/local-assistant.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES, type TicketCategory } from '../../../lib/assistant/ticket-assistant.js';
import { loadConfig } from '../../../lib/config.js';

const tickets = loadLabelledTickets();
const test = tickets.filter((ticket) => ticket.split === 'test');
let assistant: LocalTicketAssistant;

beforeAll(() => {
  assistant = new LocalTicketAssistant();
});

describe('embedded ticket assistant: model quality', () => {
  it('classifies at least 85% of the held-out test split correctly (quality bar on the shipped data)', async () => {
    const results = [];
    for (const ticket of test) results.push({ ticket, triage: await assistant.triage(ticket) });
    const evaluation = evaluateTriage(results);
    expect(evaluation.examples).toBe(test.length);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(evaluation.macroF1).toBeGreaterThanOrEqual(0.8);
  });

  it('gets at least 97% of the held-out answers it would send without a person right at the default confidence threshold', () => {
    const results = test.map((ticket) => ({ ticket, triage: assistant.triageSync(ticket) }));
    const unattended = evaluateUnattended(results, loadConfig({ NODE_ENV: 'test' }).tickets.confidenceThreshold);
    expect(unattended.coverage).toBeGreaterThanOrEqual(0.5);
    expect(unattended.accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('gives the same triage for the same input, and a fresh training run gives identical answers', async () => {
    const retrained = new LocalTicketAssistant();
    for (const ticket of test) {
      const first = await assistant.triage(ticket);
      expect(await assistant.triage(ticket)).toEqual(first);
      expect(await retrained.triage(ticket)).toEqual(first);
    }
  });

  const clearExamples: [TicketCategory, string, string][] = [
    ['content_edit', 'Please update our opening hours', 'We now open at 7am Monday to Saturday, please change the hours shown on the site.'],
    ['billing', 'Receipt for my payment', 'Can you send me the receipt for my $95 monthly payment? My accountant needs it.'],
    ['domain', 'Connect my domain', 'I bought mybakery.com on GoDaddy. How do I add the TXT and CNAME records so my site shows there?'],
    ['technical', 'I cannot log in', 'I forgot my password and the reset email never arrives, I cannot log in to my account.'],
    ['cancellation', 'Cancel subscription', 'We are closing the business, please cancel my monthly subscription.'],
    ['general', 'Visitor statistics', 'Where can I see how many people visited my website this month?'],
  ];

  it.each(clearExamples)('predicts %s for a clear example', async (category, subject, description) => {
    const triage = await assistant.triage({ subject, description });
    expect(triage.category).toBe(category);
    expect(triage.confidence).toBeGreaterThan(0.5);
    expect(triage.confidence).toBeLessThanOrEqual(1);
  });

  it('predicts every category for at least one clear example', () => {
    expect(new Set(clearExamples.map(([category]) => category))).toEqual(new Set(TICKET_CATEGORIES));
  });
});

describe('embedded ticket assistant: priority', () => {
  it.each([
    ['Site is down', 'Our website is down since this morning and customers cannot see the menu.', 'urgent'],
    ['Help', 'My site shows "temporarily unavailable" to everyone.', 'urgent'],
    ['Bookings', 'The booking form is broken and we cannot take bookings online today.', 'urgent'],
    ['Weird ads', 'There are casino ads on my site, I think it was hacked.', 'urgent'],
    ['Charged twice', 'I was charged twice for this month, please check.', 'high'],
    ['Contact form', 'We are losing customers, people say the contact form gives an error and we never get their messages.', 'high'],
  ])('raises "%s" to at least high', async (subject, description, expected) => {
    const triage = await assistant.triage({ subject, description });
    expect(TICKET_PRIORITIES.indexOf(triage.priority)).toBeGreaterThanOrEqual(TICKET_PRIORITIES.indexOf('high'));
    expect(triage.priority).toBe(expected);
  });

  it('keeps ordinary requests and "not urgent" notes at low or normal', async () => {
    for (const ticket of [
      { subject: 'Font', description: 'Could the headings use a cleaner font? Not urgent at all.' },
      { subject: 'Receipt', description: 'Please send me a copy of last month’s receipt.' },
      { subject: 'Thanks', description: 'The site looks great, thank you!' },
    ]) {
      expect(['low', 'normal']).toContain((await assistant.triage(ticket)).priority);
    }
  });
});

describe('embedded ticket assistant: drafted reply', () => {
  it('answers a domain question with the TXT and CNAME steps and cites that article', async () => {
    const triage = await assistant.triage({
      subject: 'Use my own domain',
      description: 'I own joesplumbing.com at Namecheap. What do I need to do so my site shows on it?',
      siteTitle: "Joe's Plumbing",
    });
    expect(triage.category).toBe('domain');
    expect(triage.sources[0]).toBe('connect-custom-domain');
    expect(triage.reply).toContain('TXT record');
    expect(triage.reply).toContain('CNAME');
    expect(triage.reply).toContain("Joe's Plumbing");
  });

  it('explains a suspended site with the "temporarily unavailable" article and the grace period', async () => {
    const triage = await assistant.triage({ subject: 'Site not working', description: 'My site shows "temporarily unavailable". What happened?' });
    expect(triage.category).toBe('technical');
    expect(triage.sources).toContain('site-temporarily-unavailable');
    expect(triage.reply).toMatch(/7-day grace period/);
  });

  it('cites one or two existing articles of the predicted category, and quotes their titles', async () => {
    for (const ticket of test) {
      const triage = await assistant.triage(ticket);
      expect(triage.sources.length).toBeGreaterThanOrEqual(1);
      expect(triage.sources.length).toBeLessThanOrEqual(2);
      for (const id of triage.sources) {
        const article = assistant.knowledgeBase.get(id);
        expect(article?.category).toBe(triage.category);
        expect(triage.reply).toContain(article?.title);
      }
    }
  });

  it('answers empty and very long tickets without failing', async () => {
    const empty = await assistant.triage({ subject: '', description: '' });
    expect(TICKET_CATEGORIES).toContain(empty.category);
    expect(empty.reply).not.toBe('');
    const huge = await assistant.triage({ subject: 'Cancel', description: 'please cancel my subscription '.repeat(MAX_TRIAGE_TEXT_CHARS) });
    expect(huge.category).toBe('cancellation');
  });
});
