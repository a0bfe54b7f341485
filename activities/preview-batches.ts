import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { Business, PreviewBatch, PreviewListing, PurchaseHold, Site, SiteSentence, SiteVersion } from '../db/entities/index.js';
import type { AppConfig } from '../lib/config.js';
import type { GeneratedSite, PreviewGenerator, QualityGate } from '../lib/preview-generator/generator.js';
import { schemaProblem, SiteContentSchema } from '../lib/site-editor/content.js';
import { isSlug } from '../lib/slug.js';

/** What the batch activities need: the database, the configuration, and the generator and quality gate they are given. */
export interface PreviewActivityDeps {
  orm: MikroORM;
  config: AppConfig;
  generator: PreviewGenerator;
  gate: QualityGate;
}

/** One listing of a batch, named the way the workflow carries it. */
export interface ListingRef {
  batchId: string;
  position: number;
}

/** What generating a listing came to: a preview site, held by the gate for an operator, or nothing (cancelled meanwhile). */
export type ListingOutcome =
  | { status: 'done'; siteId: string; listingId: string; outreach: boolean }
  | { status: 'held' | 'cancelled' | 'failed' };

/** Failure types the batch workflow reads; a generated site that cannot be stored is final for that listing. */
export const PREVIEW_FAILURES = { unusable: 'GeneratedSiteUnusable' } as const;

const MAX_TITLE = 200;

/** The SHA-256 of a normalised sentence, as site_sentences stores it. */
export function sentenceHash(sentence: string): string {
  return createHash('sha256').update(sentence).digest('hex');
}

/** How many of the sentences other sites already carry. */
export async function sharedSentenceCount(em: EntityManager, sentences: string[]): Promise<number> {
  if (sentences.length === 0) return 0;
  const hashes = [...new Set(sentences.map(sentenceHash))];
  const [row] = await em.execute<{ n: string }[]>('select count(distinct hash) as n from site_sentences where hash in (?)', [hashes]);
  return Number(row?.n ?? 0);
}

/**
 * The slug itself when free, else the first free `-2`, `-3`, … (trimmed so the suffix fits the 100-character limit).
 * Asked on the caller's transaction (`em.execute`), so it takes no second pool connection while the listing is locked.
 */
async function freeSlug(em: EntityManager, wanted: string): Promise<string> {
  const base = wanted.slice(0, 94).replace(/-+$/, '');
  const taken = new Set((await em.execute<{ slug: string }[]>(
    `select slug from sites where slug = ? or slug ~ ?`, [base, `^${base}-[0-9]+$`],
  )).map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function unusable(site: GeneratedSite): string | null {
  if (!isSlug(site.slug)) return `the generator's slug "${site.slug.slice(0, 100)}" is not a valid slug`;
  if (site.title.trim() === '' || site.title.length > MAX_TITLE) return `the generator's title is empty or longer than ${MAX_TITLE} characters`;
  const problem = schemaProblem(SiteContentSchema, site.content);
  return problem ? `the generated content does not fit the site format (${problem})` : null;
}

/**
 * Generates a listing's preview: generate → quality gate → create the business, site and published first version, once.
 * The site is created in one transaction that locks the listing row and sets its `site`, so a re-run (a worker that
 * died before reporting) finds it and creates nothing more. A listing already settled is answered as it stands.
 */
async function processListing(deps: PreviewActivityDeps, ref: ListingRef): Promise<ListingOutcome> {
  const em = deps.orm.em.fork();
  const row = await em.findOneOrFail(PreviewListing, { batch: ref.batchId, position: ref.position }, { populate: ['batch'] });
  if (row.site) return { status: 'done', siteId: row.site.id, listingId: row.id, outreach: row.batch.sendOutreach && row.listing.email !== undefined };
  if (row.status === 'held' || row.status === 'cancelled') return { status: row.status };
  row.attempts += 1;
  await em.flush();
  const generated = await deps.generator.generate(row.listing);
  const problem = unusable(generated);
  if (problem) throw ApplicationFailure.nonRetryable(problem, PREVIEW_FAILURES.unusable);
  const asked = new Set<string>();
  const problems = await deps.gate(row.listing, generated, async (sentences) => {
    for (const sentence of sentences) asked.add(sentence);
    return sharedSentenceCount(em, sentences);
  });
  if (problems.length > 0) {
    await em.nativeUpdate(PreviewListing, { id: row.id, site: null }, { status: 'held', reason: problems.join('\n') });
    return { status: 'held' };
  }
  const siteId = await em.transactional(async (tx) => {
    const locked = await tx.findOneOrFail(PreviewListing, row.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (locked.site) return locked.site.id;
    const { listing } = row;
    const business = tx.create(Business, {
      name: listing.name, category: listing.category, phone: listing.phone, email: listing.email ?? null,
      address: listing.address, city: listing.city, hours: listing.hours ?? null,
    });
    const { pricing } = deps.config;
    const site = tx.create(Site, {
      slug: await freeSlug(tx, generated.slug), business, title: generated.title,
      purchaseAmountCents: pricing.purchaseAmountCents, monthlyAmountCents: pricing.monthlyAmountCents, currency: pricing.currency,
    });
    const version = tx.create(SiteVersion, { site, versionNumber: 1, content: generated.content, createdBy: 'system', publishedAt: new Date(), changeSummary: 'Generated preview' });
    site.currentVersion = version;
    for (const hash of new Set([...asked].map(sentenceHash))) tx.create(SiteSentence, { hash, site });
    Object.assign(locked, { site, status: 'done', reason: null, expiresAt: new Date(Date.now() + deps.config.previews.lifetimeMs) });
    return site.id;
  });
  return { status: 'done', siteId, listingId: row.id, outreach: row.batch.sendOutreach && row.listing.email !== undefined };
}

/** Activities of a generation batch, built with the generator and quality gate injected. */
export function createPreviewActivities(deps: PreviewActivityDeps) {
  return {
    /** Generates one listing's preview (idempotent on the listing; a held or cancelled listing is left as it is). */
    async processListing(ref: ListingRef): Promise<ListingOutcome> {
      return processListing(deps, ref);
    },

    /** Marks a listing whose generation failed, with the reason an operator reads; a listing settled meanwhile is left alone. */
    async markListingFailed(input: ListingRef & { reason: string }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(PreviewListing, { batch: input.batchId, position: input.position, site: null, status: { $in: ['pending', 'failed'] } }, { status: 'failed', reason: input.reason.slice(0, 2000) });
    },

    /** Whether a listing may be generated again (it failed); turns it back to pending when so. */
    async reopenFailedListing(ref: ListingRef): Promise<boolean> {
      return (await deps.orm.em.fork().nativeUpdate(PreviewListing, { batch: ref.batchId, position: ref.position, status: 'failed' }, { status: 'pending', reason: null })) > 0;
    },

    /** Settles a batch: listings still pending become cancelled when it was cancelled; records when it finished. */
    async finishBatch(input: { batchId: string; cancelled: boolean }): Promise<{ cancelledListings: number }> {
      const em = deps.orm.em.fork();
      const cancelledListings = input.cancelled ? await em.nativeUpdate(PreviewListing, { batch: input.batchId, status: 'pending' }, { status: 'cancelled', reason: 'The batch was cancelled before this listing was generated.' }) : 0;
      const now = new Date();
      await em.nativeUpdate(PreviewBatch, { id: input.batchId, finishedAt: null }, input.cancelled ? { status: 'cancelled', cancelledAt: now, finishedAt: now } : { status: 'completed', finishedAt: now });
      return { cancelledListings };
    },

    /** When the batch's next live preview expires (ISO 8601), or null when none is left to retire. */
    async nextPreviewExpiry(input: { batchId: string }): Promise<string | null> {
      const row = await deps.orm.em.fork().findOne(PreviewListing, { batch: input.batchId, retiredAt: null, expiresAt: { $ne: null } }, { orderBy: { expiresAt: 'asc' }, fields: ['expiresAt'] });
      return row?.expiresAt?.toISOString() ?? null;
    },

    /**
     * Retires the batch's previews whose lifetime is over at `now`: an unclaimed one is taken offline (its pages answer
     * 410 "no longer available") and leaves the claimable set; a claimed one is kept and no longer expires; one with a
     * checkout open waits for that checkout to end.
     */
    async retireExpiredPreviews(input: { batchId: string; now: string }): Promise<{ retired: number; kept: number }> {
      const now = new Date(input.now);
      const em = deps.orm.em.fork();
      const due = await em.find(PreviewListing, { batch: input.batchId, retiredAt: null, expiresAt: { $lte: now }, site: { $ne: null } }, { populate: ['site'] });
      let retired = 0;
      let kept = 0;
      for (const row of due) {
        const site = row.site!;
        if (site.status !== 'preview') {
          row.expiresAt = null;
          kept += 1;
          continue;
        }
        const hold = await em.findOne(PurchaseHold, { siteId: site.id, releasedAt: null, expiresAt: { $gt: now } });
        if (hold) {
          row.expiresAt = hold.expiresAt;
          continue;
        }
        const changed = await em.nativeUpdate(Site, { id: site.id, status: 'preview' }, { status: 'cancelled' });
        if (changed > 0) {
          row.retiredAt = now;
          retired += 1;
        } else {
          row.expiresAt = null;
          kept += 1;
        }
      }
      await em.flush();
      return { retired, kept };
    },
  };
}
