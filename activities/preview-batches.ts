import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Business, Photo, PreviewBatch, PreviewBatchPhoto, PreviewListing, PurchaseHold, Site, SiteSentence, SiteVersion } from '../db/entities/index.js';
import type { IPreviewListing } from '../db/entities/preview-listing.entity.js';
import type { AppConfig } from '../lib/config.js';
import { AppError } from '../lib/errors.js';
import { createPhotoStore } from '../lib/photos/create-store.js';
import { processPhoto } from '../lib/photos/pipeline.js';
import type { PhotoStore } from '../lib/photos/store.js';
import { FORMAT_FILES, variantKey, type PhotoVariant } from '../lib/photos/variants.js';
import type { GeneratedSite, PreviewGenerator, QualityGate } from '../lib/preview-generator/generator.js';
import { resolveSlugCollision, slugCandidates } from '../lib/preview-generator/slug.js';
import { schemaProblem, SiteContentSchema, type SiteContent } from '../lib/site-editor/content.js';
import { isSlug } from '../lib/slug.js';

/** What the batch activities need: the database, the configuration, and the generator and quality gate they are given. */
export interface PreviewActivityDeps {
  orm: MikroORM;
  config: AppConfig;
  generator: PreviewGenerator;
  gate: QualityGate;
  /** Where the batch's photo files and the sites' photos are kept (the configured store unless given). */
  photos?: PhotoStore;
}

/** How often a generating listing tells Temporal its worker is alive (the workflow's heartbeat timeout is 15 s). */
const HEARTBEAT_EVERY_MS = 5000;

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
 * The first free slug from the generator's (`resolveSlugCollision`: as given, with the city, then `-2`, `-3`, …),
 * with the taken candidates found in one look-up on the caller's transaction (`em.execute`), so it takes no second
 * pool connection while the listing is locked.
 */
async function freeSlug(em: EntityManager, wanted: string, city: string): Promise<string> {
  const { named, numbered } = slugCandidates(wanted, city);
  const taken = await em.execute<{ slug: string }[]>('select slug from sites where slug in (?) or slug ~ ?', [named, numbered.source]);
  return resolveSlugCollision(wanted, city, new Set(taken.map((r) => r.slug)));
}

function unusable(site: GeneratedSite): string | null {
  if (!isSlug(site.slug)) return `the generator's slug "${site.slug.slice(0, 100)}" is not a valid slug`;
  if (site.title.trim() === '' || site.title.length > MAX_TITLE) return `the generator's title is empty or longer than ${MAX_TITLE} characters`;
  const problem = schemaProblem(SiteContentSchema, site.content);
  return problem ? `the generated content does not fit the site format (${problem})` : null;
}

/** A listing's photo id for one of its files: the same on every attempt, so a re-run writes the same files again rather than new ones. */
function listingPhotoId(listingId: string, name: string): string {
  const h = createHash('sha256').update(`${listingId}\n${name}`).digest('hex');
  const variant = (8 | (Number.parseInt(h[16] ?? '0', 16) & 3)).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A photo of a listing made ready for its site: its variants are in the store, its row is not written yet. */
interface ListingPhoto {
  id: string;
  width: number;
  height: number;
  variants: PhotoVariant[];
}

/**
 * Turns the photo files a listing names into its site's photos, in the listing's order (the first is the hero): each
 * original uploaded with the batch goes through the photo pipeline and its variants are written to the store. A file
 * that is gone or cannot be read fails the listing for good, with the file named.
 */
async function makeListingPhotos(em: EntityManager, store: PhotoStore, config: AppConfig, row: IPreviewListing): Promise<ListingPhoto[]> {
  const names = row.listing.photos ?? [];
  if (names.length === 0) return [];
  const files = new Map((await em.find(PreviewBatchPhoto, { batch: row.batch.id, name: { $in: names } })).map((f) => [f.name, f]));
  const made: ListingPhoto[] = [];
  for (const name of names) {
    const file = files.get(name);
    const original = file && !file.deletedAt ? await store.get(file.storageKey) : null;
    if (!original) throw ApplicationFailure.nonRetryable(`the photo "${name}" uploaded with the batch is no longer stored; import the listing again with its photos`, PREVIEW_FAILURES.unusable);
    const processed = await processPhoto(original.body, config.photos).catch((error: unknown) => {
      if (error instanceof AppError) throw ApplicationFailure.nonRetryable(`the photo "${name}" cannot be used: ${error.message}`, PREVIEW_FAILURES.unusable);
      throw error;
    });
    const id = listingPhotoId(row.id, name);
    await Promise.all(processed.variants.map((v) => store.put(variantKey(id, v.width, v.format), v.body, FORMAT_FILES[v.format].contentType)));
    made.push({ id, width: processed.width, height: processed.height, variants: processed.variants.map(({ body: _body, ...variant }) => variant) });
  }
  return made;
}

/** The generated content with the listing's photos placed: the first as the hero image, the others in the gallery. */
function withPhotos(content: SiteContent, photos: ListingPhoto[]): SiteContent {
  const [hero, ...gallery] = photos;
  if (!hero) return content;
  return { ...content, photos: { hero: hero.id, ...(gallery.length > 0 ? { gallery: gallery.map((p) => p.id) } : {}) } };
}

/**
 * Generates a listing's preview: generate → quality gate → create the business, site and published first version, once.
 * The site is created in one transaction that locks the listing row and sets its `site`, so a re-run (a worker that
 * died before reporting) finds it and creates nothing more. A listing already settled is answered as it stands.
 */
async function processListing(deps: PreviewActivityDeps, store: PhotoStore, ref: ListingRef): Promise<ListingOutcome> {
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
  const photos = await makeListingPhotos(em, store, deps.config, row);
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
      slug: await freeSlug(tx, generated.slug, listing.city), business, title: generated.title,
      purchaseAmountCents: pricing.purchaseAmountCents, monthlyAmountCents: pricing.monthlyAmountCents, currency: pricing.currency,
    });
    photos.forEach((photo, index) => tx.create(Photo, { ...photo, site, kind: index === 0 ? 'hero' : 'gallery', alt: null, createdBy: null }));
    const version = tx.create(SiteVersion, { site, versionNumber: 1, content: withPhotos(generated.content, photos), createdBy: 'system', publishedAt: new Date(), changeSummary: 'Generated preview' });
    site.currentVersion = version;
    for (const hash of new Set([...asked].map(sentenceHash))) tx.create(SiteSentence, { hash, site });
    Object.assign(locked, { site, status: 'done', reason: null, expiresAt: new Date(Date.now() + deps.config.previews.lifetimeMs) });
    return site.id;
  });
  // A listing retried after its batch settled: the originals it named are not needed any more.
  if (row.batch.finishedAt) await releaseBatchPhotos(em, store, row.batch.id);
  return { status: 'done', siteId, listingId: row.id, outreach: row.batch.sendOutreach && row.listing.email !== undefined };
}

/** Deletes a batch's uploaded originals that no listing still waiting or failed names (marked deleted, deleted again when repeated). */
async function releaseBatchPhotos(em: EntityManager, store: PhotoStore, batchId: string): Promise<void> {
  const files = await em.find(PreviewBatchPhoto, { batch: batchId, deletedAt: null });
  if (files.length === 0) return;
  const waiting = await em.find(PreviewListing, { batch: batchId, status: { $in: ['pending', 'failed'] } }, { fields: ['listing'] });
  const named = new Set(waiting.flatMap((l) => l.listing.photos ?? []));
  const released = files.filter((f) => !named.has(f.name));
  await Promise.all(released.map((f) => store.delete(f.storageKey)));
  if (released.length > 0) await em.nativeUpdate(PreviewBatchPhoto, { id: { $in: released.map((f) => f.id) } }, { deletedAt: new Date() });
}

/** Activities of a generation batch, built with the generator and quality gate injected. */
export function createPreviewActivities(deps: PreviewActivityDeps) {
  const store = deps.photos ?? createPhotoStore(deps.config);
  return {
    /**
     * Generates one listing's preview (idempotent on the listing; a held or cancelled listing is left as it is),
     * heartbeating while it works, so a worker that died is noticed long before a listing with many photos is done.
     */
    async processListing(ref: ListingRef): Promise<ListingOutcome> {
      const context = Context.current();
      const alive = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await processListing(deps, store, ref);
      } finally {
        clearInterval(alive);
      }
    },

    /** Marks a listing whose generation failed, with the reason an operator reads; a listing settled meanwhile is left alone. */
    async markListingFailed(input: ListingRef & { reason: string }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(PreviewListing, { batch: input.batchId, position: input.position, site: null, status: { $in: ['pending', 'failed'] } }, { status: 'failed', reason: input.reason.slice(0, 2000) });
    },

    /** Whether a listing may be generated again (it failed); turns it back to pending when so. */
    async reopenFailedListing(ref: ListingRef): Promise<boolean> {
      return (await deps.orm.em.fork().nativeUpdate(PreviewListing, { batch: ref.batchId, position: ref.position, status: 'failed' }, { status: 'pending', reason: null })) > 0;
    },

    /**
     * Settles a batch: listings still pending become cancelled when it was cancelled; records when it finished; deletes
     * the photo files uploaded with it that no failed listing (which may be retried) still names.
     */
    async finishBatch(input: { batchId: string; cancelled: boolean }): Promise<{ cancelledListings: number }> {
      const em = deps.orm.em.fork();
      const cancelledListings = input.cancelled ? await em.nativeUpdate(PreviewListing, { batch: input.batchId, status: 'pending' }, { status: 'cancelled', reason: 'The batch was cancelled before this listing was generated.' }) : 0;
      const now = new Date();
      await em.nativeUpdate(PreviewBatch, { id: input.batchId, finishedAt: null }, input.cancelled ? { status: 'cancelled', cancelledAt: now, finishedAt: now } : { status: 'completed', finishedAt: now });
      await releaseBatchPhotos(em, store, input.batchId);
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
