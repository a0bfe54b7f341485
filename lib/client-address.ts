import { isIPv4, isIPv6 } from 'node:net';

/** A client address read: IPv4 as its dotted text (an IPv4-mapped IPv6 address counts as IPv4), IPv6 as its eight hextets. */
export type ParsedAddress = { family: 4; address: string } | { family: 6; hextets: number[] };

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

function dottedToHextets(dotted: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [a * 256 + b, c * 256 + d];
}

/** Reads a client address in any notation (zone ids ignored); null when it is not an IP address. */
export function parseClientAddress(address: string | undefined): ParsedAddress | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const candidate = mapped?.[1] ?? address;
  if (isIPv4(candidate)) return { family: 4, address: candidate };
  const withoutZone = candidate.split('%')[0] ?? '';
  if (!isIPv6(withoutZone)) return null;
  // An IPv6 address may end in dotted IPv4 notation: its last 32 bits.
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(withoutZone);
  const hextets = expandIpv6(tail ? withoutZone.replace(/:\d+\.\d+\.\d+\.\d+$/, `:${dottedToHextets(tail[1] ?? '').map((h) => h.toString(16)).join(':')}`) : withoutZone);
  return hextets ? { family: 6, hextets } : null;
}

/**
 * The address a per-client limit counts against: an IPv4 address as it is (an IPv4-mapped IPv6 address as its IPv4),
 * an IPv6 address as its /64 (`2001:db8:1:2::/64`), since one subscriber is usually given a whole /64 and could
 * otherwise rotate through it to escape any per-address limit. Anything unparseable is counted as given.
 */
export function limitAddress(address: string): string {
  const parsed = parseClientAddress(address);
  if (!parsed) return address;
  if (parsed.family === 4) return parsed.address;
  return `${parsed.hextets.slice(0, 4).map((h) => h.toString(16)).join(':')}::/64`;
}
