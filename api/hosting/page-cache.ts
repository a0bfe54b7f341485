import { pageCacheEvictions } from '../metrics/registry.js';

/** A rendered answer for one page address, ready to send. */
export interface CachedPage {
  /** The site it belongs to; null for "no site here", which any site change may turn into a page. */
  siteId: string | null;
  statusCode: number;
  /** The HTML, encoded once: a cached page is sent without converting it to UTF-8 again. */
  body: Buffer;
  headers: Record<string, string>;
  /** Present on 200 pages; a matching If-None-Match answers 304. */
  etag: string | null;
  /** Set when the address is the other spelling of a custom domain (apex ↔ www): redirect there. */
  redirectHost: string | null;
  /** The site's canonical URL when its other addresses redirect there (301); a request on another host is sent on. */
  canonical: string | null;
}

/** Limits of a page cache besides its number of entries. */
export interface PageCacheOptions {
  /** A page older than this is rendered again, notification or not (default: kept until a change drops it). */
  maxAgeMs?: number;
  /** "No site here" answers kept at most (default: the number of entries, at most 1 000). */
  maxSiteless?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

interface Entry {
  page: CachedPage;
  expiresAt: number;
}

/**
 * Rendered pages by address (`slug:<slug>` or `host:<host>`), dropped per site when the database says the site
 * changed. A read that started before a change is never stored after it (generation check), and nothing is
 * served or stored while change notifications are not being received. A page is kept at most `maxAgeMs`, so one
 * whose change notification was lost without the connection being seen to fail is not served stale for longer.
 * "No site here" answers, which anyone can ask for by the million with made-up host names, are kept apart and
 * bounded (the oldest goes first), so they can neither fill the cache nor flush the pages of real sites.
 */
export class PageCache {
  private readonly pages = new Map<string, Entry>();
  private readonly keysBySite = new Map<string, Set<string>>();
  private readonly siteless = new Map<string, Entry>();
  private readonly maxAgeMs: number;
  private readonly maxSiteless: number;
  private readonly now: () => number;
  private generation = 0;
  private active = false;

  constructor(private readonly maxEntries: number, options: PageCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.maxSiteless = options.maxSiteless ?? Math.min(maxEntries, 1000);
    this.now = options.now ?? Date.now;
  }

  /** Turns serving from memory on (notifications flowing) or off (connection lost: everything is dropped). */
  setActive(active: boolean): void {
    this.active = active;
    this.clear();
  }

  /** The change counter a read must capture before it queries, to hand back to `set`. */
  get currentGeneration(): number {
    return this.generation;
  }

  get(key: string): CachedPage | undefined {
    if (!this.active) return undefined;
    const entry = this.pages.get(key) ?? this.siteless.get(key);
    if (!entry || entry.expiresAt > this.now()) return entry?.page;
    // Too old: dropped here, so the caller renders it again (its site's key set may keep the name; invalidate ignores it).
    this.pages.delete(key);
    this.siteless.delete(key);
    pageCacheEvictions.inc({ cause: 'expired' });
    return undefined;
  }

  /** Stores a page read at `generation`, unless a change arrived since. */
  set(key: string, page: CachedPage, generation: number): void {
    if (!this.active || generation !== this.generation || this.maxEntries === 0) return;
    const entry = { page, expiresAt: this.now() + this.maxAgeMs };
    if (page.siteId === null) {
      if (this.maxSiteless === 0) return;
      if (this.siteless.size >= this.maxSiteless) {
        this.siteless.delete(this.siteless.keys().next().value!);
        pageCacheEvictions.inc({ cause: 'full' });
      }
      this.siteless.set(key, entry);
      return;
    }
    if (this.pages.size >= this.maxEntries) {
      pageCacheEvictions.inc({ cause: 'full' }, this.pages.size);
      this.clear();
    }
    this.pages.set(key, entry);
    let keys = this.keysBySite.get(page.siteId);
    if (!keys) this.keysBySite.set(page.siteId, (keys = new Set()));
    keys.add(key);
  }

  /** Drops the site's pages and every "no site here" answer (a change may have created the site or its domain); `*` drops all. */
  invalidate(siteId: string): void {
    this.generation += 1;
    const before = this.pages.size + this.siteless.size;
    if (siteId === '*') {
      this.clear();
    } else {
      for (const key of this.keysBySite.get(siteId) ?? []) this.pages.delete(key);
      this.keysBySite.delete(siteId);
      this.siteless.clear();
    }
    const dropped = before - this.pages.size - this.siteless.size;
    if (dropped > 0) pageCacheEvictions.inc({ cause: 'invalidated' }, dropped);
  }

  /** Pages of sites held. */
  get size(): number {
    return this.pages.size;
  }

  /** "No site here" answers held (at most `maxSiteless`). */
  get sitelessSize(): number {
    return this.siteless.size;
  }

  private clear(): void {
    this.generation += 1;
    this.pages.clear();
    this.keysBySite.clear();
    this.siteless.clear();
  }
}
