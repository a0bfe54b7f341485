import { describe, expect, it } from 'vitest';
import { pageTitle } from '../../../api/views/seo.js';

describe('page titles', () => {
  it('joins the name and the headline when both fit, else keeps the name', () => {
    expect(pageTitle('LA Plumbing Pros', { headline: 'Fast, honest plumbing across Los Angeles' })).toBe('LA Plumbing Pros — Fast, honest plumbing across Los Angeles');
    expect(pageTitle('LA Plumbing Pros', { headline: 'Fast, honest plumbing across Los Angeles and every town around it' })).toBe('LA Plumbing Pros');
  });

  it('uses a headline that already names the business alone, never the name twice', () => {
    expect(pageTitle('Salón Bella Vista', { headline: 'Salón Bella Vista on 3a Calle 5-10' })).toBe('Salón Bella Vista on 3a Calle 5-10');
    expect(pageTitle('Bella', { headline: `Bella: ${'cuts and colour '.repeat(5)}` })).toBe('Bella');
  });
});
