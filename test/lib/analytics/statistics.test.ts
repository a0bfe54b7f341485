import { describe, expect, it } from 'vitest';
import { checkFormToken, issueFormToken } from '../../../lib/analytics/form-token.js';
import {
  assignVariant, chiSquareGoodnessOfFit, chiSquareSurvival, experimentResults, normalTwoSidedP, sampleRatioMismatch, twoProportionZTest,
} from '../../../lib/analytics/statistics.js';
import { deviceClass, isBot, parseUtm, referrerHost, visitorId } from '../../../lib/analytics/visitor.js';

describe('distributions', () => {
  it('match reference values of the chi-square and normal tails', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 9);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 9);
    expect(chiSquareSurvival(124.342, 100)).toBeCloseTo(0.05, 4);
    expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 9);
    expect(normalTwoSidedP(0)).toBeCloseTo(1, 12);
  });
});

describe('assignment', () => {
  it('is sticky: the same visitor always gets the same variant, and experiments assign independently', () => {
    for (let i = 0; i < 1000; i++) expect(assignVariant('exp-1', `v${i}`, [1, 1])).toBe(assignVariant('exp-1', `v${i}`, [1, 1]));
    const a = Array.from({ length: 2000 }, (_, i) => assignVariant('exp-1', `v${i}`, [1, 1]));
    const b = Array.from({ length: 2000 }, (_, i) => assignVariant('exp-2', `v${i}`, [1, 1]));
    const agreement = a.filter((x, i) => x === b[i]).length / a.length;
    expect(agreement).toBeGreaterThan(0.45);
    expect(agreement).toBeLessThan(0.55);
  });

  it.each([[[1, 1]], [[1, 1, 1]], [[70, 30]]])('splits 100 000 visitors as configured (%j): chi-square does not reject', (weights) => {
    const counts = weights.map(() => 0);
    for (let i = 0; i < 100_000; i++) counts[assignVariant('headline-test', `visitor-${i}-${(i * 2654435761) % 1e9}`, weights)]! += 1;
    const fit = chiSquareGoodnessOfFit(counts, weights);
    expect(fit.pValue, JSON.stringify(counts)).toBeGreaterThan(0.001);
    expect(sampleRatioMismatch(counts, weights).mismatch).toBe(false);
  });
});

describe('results', () => {
  it('flags a sample-ratio mismatch on a skewed split and not on a fair one', () => {
    expect(sampleRatioMismatch([5_000, 5_000], [1, 1]).mismatch).toBe(false);
    expect(sampleRatioMismatch([5_000, 5_100], [1, 1]).mismatch).toBe(false);
    expect(sampleRatioMismatch([5_000, 5_400], [1, 1]).mismatch).toBe(true);
    expect(sampleRatioMismatch([7_000, 3_000], [70, 30]).mismatch).toBe(false);
    expect(sampleRatioMismatch([5_000, 5_000], [70, 30]).mismatch).toBe(true);
  });

  it('computes conversion rates, uplift and a two-proportion z-test against control', () => {
    const { variants, srm } = experimentResults([
      { name: 'control', weight: 1, exposures: 1000, conversions: 100 },
      { name: 'bold', weight: 1, exposures: 1000, conversions: 130 },
    ]);
    expect(variants[0]).toMatchObject({ conversionRate: 0.1, uplift: null, z: null, pValue: null });
    expect(variants[1]!.conversionRate).toBeCloseTo(0.13, 10);
    expect(variants[1]!.uplift).toBeCloseTo(0.3, 10);
    // Pooled p = 0.115, se = sqrt(0.115 * 0.885 * 2 / 1000) = 0.014267, z = 0.03 / se.
    expect(variants[1]!.z).toBeCloseTo(2.1027, 3);
    expect(variants[1]!.pValue).toBeCloseTo(0.03549, 4);
    expect(srm?.mismatch).toBe(false);
    expect(twoProportionZTest({ conversions: 0, exposures: 0 }, { conversions: 1, exposures: 2 })).toEqual({ z: 0, pValue: 1 });
  });
});

describe('visitor helpers', () => {
  it('rotates the visitor id daily and separates sites, addresses and browsers', () => {
    const base = { salt: 'salt-salt-salt-salt', siteId: 's1', truncatedIp: '203.0.113.0', userAgent: 'Mozilla/5.0 Firefox', at: new Date('2026-11-28T10:00:00Z') };
    const id = visitorId(base);
    expect(visitorId({ ...base, at: new Date('2026-11-28T23:59:00Z') })).toBe(id);
    expect(visitorId({ ...base, at: new Date('2026-11-29T00:00:00Z') })).not.toBe(id);
    expect(visitorId({ ...base, siteId: 's2' })).not.toBe(id);
    expect(visitorId({ ...base, truncatedIp: '203.0.114.0' })).not.toBe(id);
    expect(visitorId({ ...base, salt: 'another-salt-value' })).not.toBe(id);
    expect(id).not.toContain('203');
  });

  it('tells bots and device classes apart', () => {
    expect(isBot('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe(true);
    expect(isBot('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36')).toBe(true);
    expect(isBot('curl/8.5.0')).toBe(true);
    expect(isBot(undefined)).toBe(true);
    expect(isBot('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148')).toBe(false);
    expect(deviceClass('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('mobile');
    expect(deviceClass('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toBe('tablet');
    expect(deviceClass('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toBe('desktop');
  });

  it('reads UTM tags and external referrer hosts', () => {
    expect(parseUtm('?utm_source=Google&utm_medium=CPC&utm_campaign=Spring%20Sale&x=1')).toEqual({ source: 'google', medium: 'cpc', campaign: 'Spring Sale', term: null, content: null });
    expect(referrerHost('https://www.google.com/search?q=plumber', ['localhost:3000'])).toBe('google.com');
    expect(referrerHost('http://localhost:3000/sites/x', ['localhost:3000'])).toBeNull();
    expect(referrerHost('not a url', [])).toBeNull();
  });
});

describe('contact form token', () => {
  it('accepts a token between the minimum fill time and a day, for its own site only', () => {
    const t0 = 1_800_000_000_000;
    const token = issueFormToken('secret-secret-secret', 'plumber-joe', t0);
    expect(checkFormToken('secret-secret-secret', 'plumber-joe', token, 3000, 86_400_000, t0 + 1000)).toEqual({ ok: false, reason: 'too_fast' });
    expect(checkFormToken('secret-secret-secret', 'plumber-joe', token, 3000, 86_400_000, t0 + 5000)).toEqual({ ok: true, ageMs: 5000 });
    expect(checkFormToken('secret-secret-secret', 'plumber-joe', token, 3000, 86_400_000, t0 + 86_400_001)).toEqual({ ok: false, reason: 'expired' });
    expect(checkFormToken('secret-secret-secret', 'roofer-bob', token, 3000, 86_400_000, t0 + 5000)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkFormToken('secret-secret-secret', 'plumber-joe', `${t0 - 10_000}.${token.split('.')[1]}`, 3000, 86_400_000, t0 + 5000)).toEqual({ ok: false, reason: 'invalid' });
  });
});
