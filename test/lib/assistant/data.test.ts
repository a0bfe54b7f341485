import { describe, expect, it } from 'vitest';
import { loadHelpArticles, loadLabelledTickets, ticketText } from '../../../lib/assistant/dataset.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from '../../../lib/assistant/ticket-assistant.js';
import { TICKET_CATEGORIES as ENTITY_CATEGORIES, TICKET_PRIORITIES as ENTITY_PRIORITIES } from '../../../db/entities/support-ticket.entity.js';

describe('shipped assistant data', () => {
  const tickets = loadLabelledTickets();
  const articles = loadHelpArticles();

  it('uses the support ticket entity’s categories and priorities', () => {
    expect(TICKET_CATEGORIES).toEqual(ENTITY_CATEGORIES);
    expect(TICKET_PRIORITIES).toEqual(ENTITY_PRIORITIES);
  });

  it('holds at least 600 labelled tickets with unique ids, every category and priority represented', () => {
    expect(tickets.length).toBeGreaterThanOrEqual(600);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(tickets.length);
    for (const category of TICKET_CATEGORIES) expect(tickets.filter((t) => t.category === category).length).toBeGreaterThanOrEqual(90);
    for (const priority of TICKET_PRIORITIES) expect(tickets.some((t) => t.priority === priority)).toBe(true);
  });

  // The held-out split is fixed (124 tickets); its share fell from 20% as the train split grew with newly written tickets.
  it('holds out 11–23% of the tickets, at least 15 per category, as the test split, with no ticket text shared with the train split', () => {
    const test = tickets.filter((t) => t.split === 'test');
    expect(test.length).toBe(124);
    expect(test.length / tickets.length).toBeGreaterThan(0.11);
    expect(test.length / tickets.length).toBeLessThan(0.23);
    for (const category of TICKET_CATEGORIES) expect(test.filter((t) => t.category === category).length).toBeGreaterThanOrEqual(15);
    const trainTexts = new Set(tickets.filter((t) => t.split === 'train').map((t) => ticketText(t).toLowerCase()));
    for (const ticket of test) expect(trainTexts.has(ticketText(ticket).toLowerCase())).toBe(false);
  });

  it('has 20–30 help articles with unique ids, covering every category', () => {
    expect(articles.length).toBeGreaterThanOrEqual(20);
    expect(articles.length).toBeLessThanOrEqual(30);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
    for (const category of TICKET_CATEGORIES) expect(articles.some((a) => a.category === category)).toBe(true);
  });
});
