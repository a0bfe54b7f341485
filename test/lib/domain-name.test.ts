import { describe, expect, it } from 'vitest';
import { checkDomainName } from '../../lib/dns/domain-name.js';

const PLATFORM = ['webmagic.test', 'sites.webmagic.test', 'edge.webmagic.test', 'localhost'];
const ok = (input: string) => {
  const result = checkDomainName(input, PLATFORM);
  if (!result.ok) throw new Error(`${input}: ${result.message}`);
  return result.name;
};
const problem = (input: string) => {
  const result = checkDomainName(input, PLATFORM);
  return result.ok ? null : result.problem;
};

describe('checkDomainName', () => {
  it('lower-cases, drops a trailing dot and pairs www with its apex', () => {
    expect(ok('WWW.Example-Plumber.COM.')).toEqual({ domain: 'www.example-plumber.com', alternate: 'example-plumber.com', isApex: false });
    expect(ok('example-plumber.com')).toEqual({ domain: 'example-plumber.com', alternate: 'www.example-plumber.com', isApex: true });
    expect(ok('  shop.example.co.uk ')).toEqual({ domain: 'shop.example.co.uk', alternate: null, isApex: false });
  });

  it('turns an internationalised name into punycode', () => {
    expect(ok('www.Bücher.de').domain).toBe('www.xn--bcher-kva.de');
    expect(ok('fontanería-lópez.es').domain).toBe('xn--fontanera-lpez-7lb3h.es');
  });

  it('refuses wildcards, IP addresses and platform hosts', () => {
    expect(problem('*.example.com')).toBe('wildcard_not_allowed');
    expect(problem('192.168.1.10')).toBe('ip_not_allowed');
    expect(problem('[2001:db8::1]')).toBe('ip_not_allowed');
    expect(problem('2001:db8::1')).toBe('ip_not_allowed');
    expect(problem('webmagic.test')).toBe('platform_host');
    expect(problem('plumber-joe.sites.webmagic.test')).toBe('platform_host');
    expect(problem('EDGE.webmagic.test.')).toBe('platform_host');
  });

  it('refuses names that are too long', () => {
    expect(problem(`${'a'.repeat(64)}.com`)).toBe('domain_too_long');
    expect(problem(`${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`)).toBe('domain_too_long');
    expect(ok(`${'a'.repeat(63)}.com`).domain).toHaveLength(67);
  });

  it('refuses what is not a domain name', () => {
    for (const input of ['https://example.com', 'example.com/path', 'example.com:8080', 'example', 'exa mple.com', '-bad.com', 'bad-.com', 'a..b.com', 'example.123', '']) {
      expect(problem(input), input).toBe('invalid_domain');
    }
  });
});
