import { parseClientAddress } from './client-address.js';

/**
 * Truncates a client address before it is stored, hashed or logged: IPv4 to its /24 (`203.0.113.0`), IPv6 to its
 * /48 (`2001:db8:85a3::`); an IPv4-mapped IPv6 address is treated as IPv4. Anything unparseable becomes `unknown`.
 */
export function anonymizeIp(address: string | undefined): string {
  const parsed = parseClientAddress(address);
  if (!parsed) return 'unknown';
  if (parsed.family === 4) return `${parsed.address.split('.').slice(0, 3).join('.')}.0`;
  return `${parsed.hextets.slice(0, 3).map((h) => h.toString(16)).join(':')}::`;
}
