import { describe, expect, it } from 'vitest';
import { limitAddress, parseClientAddress } from '../../lib/client-address.js';

describe('limitAddress', () => {
  it('keeps an IPv4 address whole, and reads an IPv4-mapped IPv6 address as that IPv4 address', () => {
    expect(limitAddress('203.0.113.195')).toBe('203.0.113.195');
    expect(limitAddress('::ffff:203.0.113.195')).toBe('203.0.113.195');
    expect(limitAddress('::FFFF:198.51.100.7')).toBe('198.51.100.7');
  });

  it('groups IPv6 addresses by their /64, whatever their notation', () => {
    const group = '2001:db8:85a3:8d3::/64';
    for (const address of ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:DB8:85A3:08D3::1', '2001:db8:85a3:8d3:ffff:ffff:ffff:ffff', '2001:db8:85a3:8d3::1%eth0', '2001:db8:85a3:8d3:1:2:192.0.2.33']) {
      expect(limitAddress(address), address).toBe(group);
    }
    expect(limitAddress('2001:db8:85a3:8d4::1')).toBe('2001:db8:85a3:8d4::/64');
    expect(limitAddress('::1')).toBe('0:0:0:0::/64');
  });

  it('counts anything unparseable as given', () => {
    for (const odd of ['', 'not-an-ip', '1.2.3', '2001:db8::1::2']) expect(limitAddress(odd)).toBe(odd);
  });
});

describe('parseClientAddress', () => {
  it('reads the dotted IPv4 tail of an IPv6 address into its last two hextets', () => {
    expect(parseClientAddress('64:ff9b::192.0.2.33')).toEqual({ family: 6, hextets: [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221] });
    expect(parseClientAddress(undefined)).toBeNull();
  });
});
