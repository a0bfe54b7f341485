import { describe, expect, it } from 'vitest';
import { anonymizeIp } from '../../lib/anonymize-ip.js';

describe('anonymizeIp', () => {
  it('keeps the /24 of an IPv4 address', () => {
    expect(anonymizeIp('203.0.113.195')).toBe('203.0.113.0');
    expect(anonymizeIp('::ffff:198.51.100.7')).toBe('198.51.100.0');
  });

  it('keeps the /48 of an IPv6 address, whatever its notation', () => {
    expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(anonymizeIp('2001:DB8::1')).toBe('2001:db8:0::');
    expect(anonymizeIp('::1')).toBe('0:0:0::');
    expect(anonymizeIp('fe80::1%eth0')).toBe('fe80:0:0::');
    expect(anonymizeIp('2001:db8:1:2:3:4:192.0.2.33')).toBe('2001:db8:1::');
  });

  it('turns anything else into "unknown"', () => {
    for (const bad of [undefined, '', 'not-an-ip', '1.2.3', '2001:db8::1::2']) expect(anonymizeIp(bad)).toBe('unknown');
  });
});
