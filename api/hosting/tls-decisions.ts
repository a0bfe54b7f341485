/**
 * The edge's TLS ask answers per asked name, held for `ttlMs`: allowed names by their site (dropped when the site
 * changes), refused names apart and bounded (`maxRefusals`, the oldest goes first; all dropped on any site change,
 * which may have created the name). Random names therefore cost one lookup each, and never touch the page cache.
 */
export class TlsDecisions {
  private readonly allowed = new Map<string, { siteId: string; until: number }>();
  private readonly refused = new Map<string, number>();
  private generation = 0;

  constructor(private readonly ttlMs: number, private readonly maxRefusals: number, private readonly maxAllowed = 100_000) {}

  /** True or false when a decision on the name is held, undefined when it must be looked up. */
  get(name: string, now = Date.now()): boolean | undefined {
    const allowed = this.allowed.get(name);
    if (allowed && allowed.until > now) return true;
    const refused = this.refused.get(name);
    if (refused !== undefined && refused > now) return false;
    return undefined;
  }

  /** Holds the decision on a name: allowed for a site, or refused (`siteId` null). */
  set(name: string, siteId: string | null, now = Date.now()): void {
    if (this.ttlMs === 0) return;
    if (siteId === null) {
      if (this.maxRefusals === 0) return;
      this.refused.delete(name);
      if (this.refused.size >= this.maxRefusals) this.refused.delete(this.refused.keys().next().value!);
      this.refused.set(name, now + this.ttlMs);
      return;
    }
    if (this.allowed.size >= this.maxAllowed) this.allowed.clear();
    this.allowed.set(name, { siteId, until: now + this.ttlMs });
  }

  /** The decision on a name: held, or looked up (the site served there, or null) and held unless a site changed meanwhile. */
  async decide(name: string, lookup: (name: string) => Promise<string | null>): Promise<boolean> {
    const held = this.get(name);
    if (held !== undefined) return held;
    const generation = this.generation;
    const siteId = await lookup(name);
    if (generation === this.generation) this.set(name, siteId);
    return siteId !== null;
  }

  /** A site changed (`*`: anything may have): its names are asked again, and so is every refused name. */
  invalidate(siteId: string): void {
    this.generation += 1;
    this.refused.clear();
    if (siteId === '*') {
      this.allowed.clear();
      return;
    }
    for (const [name, entry] of this.allowed) if (entry.siteId === siteId) this.allowed.delete(name);
  }

  /** Refusals held (at most `maxRefusals`). */
  get refusals(): number {
    return this.refused.size;
  }
}
