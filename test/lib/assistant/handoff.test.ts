import { beforeAll, describe, expect, it } from 'vitest';
import { loadHelpArticles } from '../../../lib/assistant/dataset.js';
import { needsPerson, promisesPerson } from '../../../lib/assistant/handoff.js';
import { LocalTicketAssistant } from '../../../lib/assistant/local-assistant.js';
import { composeReply } from '../../../lib/assistant/reply.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from '../../../lib/assistant/ticket-assistant.js';

describe('promisesPerson', () => {
  it.each([
    'A member of our team will follow up shortly.',
    "We'll check the payment and get back to you.",
    'We will refund the duplicate charge.',
    'We’re looking into it right now.',
    'Our billing team will contact you tomorrow.',
    'Someone will call you about the outage.',
    'We can cancel it for you.',
  ])('finds the promise in "%s"', (reply) => {
    expect(promisesPerson(reply)).toBe(true);
  });

  it.each([
    'Open your dashboard, choose the site, then Billing.',
    'If it still does not work, reply with your domain name: replies go to our support team.',
    'Nothing changes on your live site until you approve a preview of the change.',
  ])('finds no promise in "%s"', (reply) => {
    expect(promisesPerson(reply)).toBe(false);
  });
});

describe('needsPerson', () => {
  it('sends high and urgent tickets to a person whatever the reply says', () => {
    expect(needsPerson({ priority: 'urgent', reply: 'Check your DNS records.' })).toBe(true);
    expect(needsPerson({ priority: 'high', reply: 'Check your DNS records.' })).toBe(true);
  });

  it('sends a low or normal ticket to a person only when its reply promises one', () => {
    expect(needsPerson({ priority: 'normal', reply: 'Check your DNS records.' })).toBe(false);
    expect(needsPerson({ priority: 'low', reply: 'We will update you as soon as it is back.' })).toBe(true);
  });
});

describe('answers sent without a person promise none', () => {
  let assistant: LocalTicketAssistant;
  beforeAll(() => {
    assistant = new LocalTicketAssistant();
  });

  it('no help article promises a person', () => {
    for (const article of loadHelpArticles()) {
      for (const text of [article.title, article.summary, ...article.steps]) expect(promisesPerson(text), `${article.id}: ${text}`).toBe(false);
    }
  });

  it('a low or normal reply of any category promises no person; a high or urgent one says a person is on it', () => {
    for (const category of TICKET_CATEGORIES) {
      for (const priority of TICKET_PRIORITIES) {
        const reply = composeReply({ category, priority, siteTitle: "Joe's Plumbing", articles: [] });
        expect(needsPerson({ priority, reply }), `${category}/${priority}`).toBe(priority === 'high' || priority === 'urgent');
      }
    }
  });

  it.each([
    ['Charged twice', 'I was charged twice for this month, please check.'],
    ['Refund please', 'I paid the $495 setup from two tabs by accident. Please refund one of them.'],
    ['Site down', 'My site is down, customers see an error page since this morning.'],
  ])('routes "%s" to a person', async (subject, description) => {
    expect(needsPerson(await assistant.triage({ subject, description }))).toBe(true);
  });

  it('lets a plain how-to question be answered by the AI alone', async () => {
    const triage = await assistant.triage({ subject: 'Connect my domain', description: 'I bought mybakery.com on GoDaddy. Which DNS records do I add?' });
    expect(needsPerson(triage)).toBe(false);
  });
});
