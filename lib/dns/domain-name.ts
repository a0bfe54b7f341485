import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';

/** A custom domain in canonical form, with the name that redirects to it (apex ↔ www), if any. */
export interface CustomDomainName {
  domain: string;
  /** The other spelling served as a redirect: `www.<apex>` for an apex, the apex for `www.<apex>`, else null. */
  alternate: string | null;
  /** Whether the name is a registrable apex, which cannot hold a CNAME (so A/AAAA records are asked for). */
  isApex: boolean;
}

/** Why a name cannot be connected. */
export type DomainNameProblem = 'invalid_domain' | 'wildcard_not_allowed' | 'ip_not_allowed' | 'platform_host' | 'domain_too_long';

/** Result of validating a name an owner typed. */
export type DomainNameCheck = { ok: true; name: CustomDomainName } | { ok: false; problem: DomainNameProblem; message: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-case, trailing dot removed; the form Host headers and stored names are compared in. */
export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Validates and normalises a custom domain: IDN → punycode, upper case and a trailing dot accepted, no wildcard,
 * no IP address, no name under the platform's own hosts, at most 253 characters and 63 per label.
 */
export function checkDomainName(input: string, platformHosts: readonly string[]): DomainNameCheck {
  const fail = (problem: DomainNameProblem, message: string): DomainNameCheck => ({ ok: false, problem, message });
  const text = normaliseHost(input);
  if (text.includes('*')) return fail('wildcard_not_allowed', 'Wildcard domains cannot be connected; enter one name such as www.example.com');
  if (isIP(text.replace(/^\[|\]$/g, '')) !== 0) return fail('ip_not_allowed', 'Enter a domain name, not an IP address');
  if (/[\s/:@?#\\]/.test(text)) return fail('invalid_domain', 'Enter the domain only, such as www.example.com (no http://, path or port)');
  const ascii = domainToASCII(text);
  if (ascii === '') return fail('invalid_domain', `"${input.trim()}" is not a valid domain name`);
  if (ascii.length > 253) return fail('domain_too_long', 'A domain name has at most 253 characters');
  const labels = ascii.split('.');
  if (labels.some((l) => l.length > 63)) return fail('domain_too_long', 'Each part of a domain name has at most 63 characters');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^[0-9]+$/.test(labels.at(-1) ?? '')) {
    return fail('invalid_domain', `"${input.trim()}" is not a valid domain name`);
  }
  const apex = getDomain(ascii);
  if (!apex) return fail('invalid_domain', `"${input.trim()}" is not a domain that can be registered`);
  for (const host of platformHosts.map(normaliseHost)) {
    if (host && (ascii === host || ascii.endsWith(`.${host}`))) return fail('platform_host', `${ascii} belongs to the platform and cannot be connected`);
  }
  const alternate = ascii === apex ? `www.${apex}` : ascii === `www.${apex}` ? apex : null;
  return { ok: true, name: { domain: ascii, alternate, isApex: ascii === apex } };
}
