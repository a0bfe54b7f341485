import { isIPv4, isIPv6 } from 'node:net';

function expandIpv6(address: string): number[] | null {
  const [head = '', tail] = address.split('::');
  if (address.split('::').length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/**
 * Truncates a client address before it is stored, hashed or logged: IPv4 to its /24 (`203.0.113.0`), IPv6 to its
 * /48 (`2001:db8:85a3::`); an IPv4-mapped IPv6 address is treated as IPv4. Anything unparseable becomes `unknown`.
 */
export function anonymizeIp(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  if (isIPv4(candidate)) return `${candidate.split('.').slice(0, 3).join('.')}.0`;
  const withoutZone = candidate.split('%')[0] ?? '';
  if (isIPv6(withoutZone)) {
    // An IPv6 address may end in dotted IPv4 notation; only its first 48 bits are kept, so that tail never matters.
    const hextets = expandIpv6(withoutZone.replace(/:\d+\.\d+\.\d+\.\d+$/, ':0:0'));
    if (hextets) return `${hextets.slice(0, 3).map((h) => h.toString(16)).join(':')}::`;
  }
  return 'unknown';
}
