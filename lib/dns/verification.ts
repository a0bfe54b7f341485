import type { DnsResolver } from './resolver.js';

/** Where custom domains must point: a CNAME target, or (for an apex) these addresses. */
export interface PlatformTarget {
  cnameTarget: string;
  aRecords: string[];
  aaaaRecords: string[];
}

/** What a check found in DNS, shown to the owner as "last seen". */
export interface DnsObservation {
  txt: string[];
  cname: string[];
  a: string[];
  aaaa: string[];
  /** The TXT record `_webmagic.<domain>` holds the token. */
  tokenFound: boolean;
  /** The name points at the platform (CNAME to the target, or only platform addresses). */
  pointsToPlatform: boolean;
  /** Set when DNS could not be asked (timeout, server failure); the other fields are then empty. */
  error: string | null;
}

/** The TXT record name that proves ownership of a domain. */
export function verificationRecordName(domain: string): string {
  return `_webmagic.${domain}`;
}

/** Looks up the proof and the pointing records of a domain; a DNS failure is reported, not thrown. */
export async function observeDomain(resolver: DnsResolver, domain: string, token: string, target: PlatformTarget): Promise<DnsObservation> {
  try {
    const [txt, cname, a, aaaa] = await Promise.all([
      resolver.txt(verificationRecordName(domain)), resolver.cname(domain), resolver.a(domain), resolver.aaaa(domain),
    ]);
    const platformAddresses = new Set([...target.aRecords, ...target.aaaaRecords]);
    const addresses = [...a, ...aaaa];
    const pointsToPlatform = cname.includes(target.cnameTarget) || (addresses.length > 0 && addresses.every((address) => platformAddresses.has(address)));
    return { txt, cname, a, aaaa, tokenFound: txt.includes(token), pointsToPlatform, error: null };
  } catch (error) {
    return { txt: [], cname: [], a: [], aaaa: [], tokenFound: false, pointsToPlatform: false, error: error instanceof Error ? error.message : String(error) };
  }
}
