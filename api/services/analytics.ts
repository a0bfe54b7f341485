import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { storeHits, type BotHit, type CollectedHit } from '../../db/analytics.js';
import { Site } from '../../db/entities/index.js';
import { anonymizeIp } from '../../lib/anonymize-ip.js';
import { isBot, optedOut, visitorId } from '../../lib/analytics/visitor.js';
import type { AppConfig } from '../../lib/config.js';
import { siteUrl } from '../../lib/urls.js';

/** What collection needs to know about a site, cached briefly. */
export interface CollectSite {
  id: string;
  slug: string;
  status: string;
  /** Hosts pages of the site are served from (CORS and "own referrer" checks). */
  hosts: string[];
}

/** Who is asking, reduced to what may be kept: the truncated address and the daily visitor id (null when opted out or a bot). */
export interface AnonymousVisitor {
  truncatedIp: string;
  userAgent: string;
  bot: boolean;
  optedOut: boolean;
  /** Null for opted-out browsers and bots: nothing about them is stored. */
  visitorId: string | null;
}

/** Reduces a request to an anonymous visitor; the full client address goes no further than this function. */
export function anonymousVisitor(request: FastifyRequest, config: AppConfig['analytics'], siteId: string, at = new Date()): AnonymousVisitor {
  const truncatedIp = anonymizeIp(request.ip);
  const userAgent = (request.headers['user-agent'] ?? '').slice(0, 512);
  const bot = isBot(userAgent);
  const out = optedOut(request.headers);
  return { truncatedIp, userAgent, bot, optedOut: out, visitorId: bot || out ? null : visitorId({ salt: config.salt, siteId, truncatedIp, userAgent, at }) };
}

/** Resolves slugs to sites with a short-lived in-memory cache, so a burst of beacons costs one lookup per site. */
export class SiteDirectory {
  private readonly cache = new Map<string, { site: CollectSite | null; until: number }>();

  constructor(private readonly config: Pick<AppConfig, 'publicBaseUrl'>, private readonly ttlMs = 60_000) {}

  /** Forgets every cached site (after sites were deleted or re-created). */
  clear(): void {
    this.cache.clear();
  }

  async find(em: EntityManager, slug: string): Promise<CollectSite | null> {
    const hit = this.cache.get(slug);
    if (hit && hit.until > Date.now()) return hit.site;
    const row = await em.findOne(Site, { slug }, { fields: ['id', 'slug', 'status', 'customDomain'] });
    const site = row
      ? { id: row.id, slug: row.slug, status: row.status, hosts: [new URL(siteUrl(this.config, row.slug)).host, new URL(this.config.publicBaseUrl).host, ...(row.customDomain ? [row.customDomain] : [])] }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(slug, { site, until: Date.now() + this.ttlMs });
    return site;
  }
}

/**
 * Buffers collected hits in memory and writes them in batches (one transaction per batch), so a beacon costs the
 * request path no database round trip. Flushes every `flushIntervalMs`, when `flushBatch` hits are waiting, and on
 * close; hits still buffered when the process dies are lost (analytics, not money). At most `maxQueued` hits wait:
 * past that, new ones are dropped and counted in `dropped` (logged once per flush) until a write catches up.
 */
export class AnalyticsCollector {
  private hits: CollectedHit[] = [];
  private bots: BotHit[] = [];
  private running: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  /** Hits dropped because the queue was full, since the process started. */
  dropped = 0;
  private droppedLogged = 0;

  constructor(private readonly deps: { em: () => EntityManager; config: AppConfig['analytics']; log: FastifyBaseLogger }) {
    this.timer = setInterval(() => void this.flush(), deps.config.flushIntervalMs);
    this.timer.unref();
  }

  /** Hits waiting to be written. */
  get queued(): number {
    return this.hits.length + this.bots.length;
  }

  /** Queues hits while there is room (the rest are dropped and counted); starts a write when the batch is full. */
  add(hits: CollectedHit[], bots: BotHit[] = []): void {
    const room = Math.max(0, this.deps.config.maxQueued - this.queued);
    const keptHits = hits.slice(0, room);
    const keptBots = bots.slice(0, room - keptHits.length);
    this.dropped += hits.length - keptHits.length + bots.length - keptBots.length;
    this.hits.push(...keptHits);
    this.bots.push(...keptBots);
    if (this.queued >= this.deps.config.flushBatch) void this.flush();
  }

  /** Writes everything queued so far (batches run one after another); resolves when it is stored. */
  flush(): Promise<void> {
    this.running = this.running.then(async () => {
      if (this.dropped > this.droppedLogged) {
        this.deps.log.warn({ dropped: this.dropped - this.droppedLogged, droppedTotal: this.dropped }, 'analytics queue full; hits dropped');
        this.droppedLogged = this.dropped;
      }
      while (this.hits.length > 0 || this.bots.length > 0) {
        const hits = this.hits.splice(0, this.deps.config.flushBatch);
        const bots = this.bots.splice(0, this.deps.config.flushBatch);
        try {
          await storeHits(this.deps.em(), hits, bots, this.deps.config);
        } catch (error) {
          this.deps.log.error({ err: error, hits: hits.length, bots: bots.length }, 'analytics batch could not be stored; dropped');
        }
      }
    });
    return this.running;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
