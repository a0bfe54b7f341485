import { Resolver } from 'node:dns/promises';

/** The DNS lookups a domain check needs; a name with no records of the type answers an empty list. */
export interface DnsResolver {
  txt(name: string): Promise<string[]>;
  cname(name: string): Promise<string[]>;
  a(name: string): Promise<string[]>;
  aaaa(name: string): Promise<string[]>;
}

/** Answers that mean "no such records" rather than "could not ask". */
const EMPTY_ANSWERS = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'ENOTIMP', 'EREFUSED', 'NXDOMAIN']);

async function orEmpty(lookup: Promise<string[]>): Promise<string[]> {
  try {
    return await lookup;
  } catch (error) {
    if (EMPTY_ANSWERS.has((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
}

/** A resolver over `node:dns` asking the given servers (`host` or `host:port`), or the system's when none are given. */
export function createDnsResolver(options: { servers: string[]; timeoutMs: number }): DnsResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 2 });
  if (options.servers.length > 0) resolver.setServers(options.servers);
  const lower = (names: string[]) => names.map((n) => n.toLowerCase().replace(/\.$/, ''));
  return {
    txt: async (name) => (await orEmpty(resolver.resolveTxt(name).then((rows) => rows.map((chunks) => chunks.join(''))))),
    cname: async (name) => lower(await orEmpty(resolver.resolveCname(name))),
    a: (name) => orEmpty(resolver.resolve4(name)),
    aaaa: (name) => orEmpty(resolver.resolve6(name)),
  };
}
