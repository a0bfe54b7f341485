import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { Type, type Static } from 'typebox';
import { EmailSuppression, PreviewBatch, PreviewBatchPhoto, PreviewListing } from '../../db/entities/index.js';
import { PREVIEW_BATCH_STATUSES } from '../../db/entities/preview-batch.entity.js';
import { PREVIEW_LISTING_STATUSES, type PreviewListingStatus } from '../../db/entities/preview-listing.entity.js';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../db/entities/email-suppression.entity.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { checkListing, nameAddressKey, phoneKey, type ListingRow, type PhotoCheck } from '../../lib/listing-import.js';
import { inspectPhoto } from '../../lib/photos/pipeline.js';
import type { PhotoStore } from '../../lib/photos/store.js';
import type { Listing } from '../../lib/preview-generator/generator.js';
import { siteUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { BATCH_FAILURES, batchStartOptions, cancelBatchUpdate, retryListingSignal, type PreviewBatchInput } from '../../workflows/preview-batch/contract.js';
import { previewBatchWorkflow } from '../../workflows/preview-batch/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';

/** Listings per INSERT: a few thousand parameters, well under PostgreSQL's 65 535. */
const INSERT_CHUNK = 1000;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** One row of an import's report: accepted (with its position in the batch), a duplicate (of what), or refused (why). */
export const ImportRowReport = Type.Object({
  row: Type.Integer({ description: 'Row of the upload, from 1 (a CSV counts its header as row 1)' }),
  outcome: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate'), Type.Literal('refused')]),
  name: Nullable(Type.String()),
  position: Nullable(Type.Integer()),
  field: Nullable(Type.String()),
  reason: Nullable(Type.String()),
});
/** One row of an import's report. */
export type ImportRowReport = Static<typeof ImportRowReport>;

/** What an import answers: the batch it started (none when no row was accepted) and the report of every row. */
export const ImportAnswer = Type.Object({
  batch_id: Nullable(Type.String({ format: 'uuid' })),
  workflow_id: Nullable(Type.String()),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  refused: Type.Integer(),
  rows: Type.Array(ImportRowReport),
  unused_photos: Type.Array(Type.String(), { description: 'Uploaded photo files no accepted listing names (they are not kept)' }),
});
/** What an import answers. */
export type ImportAnswer = Static<typeof ImportAnswer>;

const Counts = Type.Object(Object.fromEntries(PREVIEW_LISTING_STATUSES.map((s) => [s, Type.Integer()])) as Record<PreviewListingStatus, ReturnType<typeof Type.Integer>>);

/** A batch as the console's list shows it. */
export const BatchSummaryView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  status: Type.Enum(PREVIEW_BATCH_STATUSES),
  accepted: Type.Integer(),
  send_outreach: Type.Boolean(),
  created_by: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  finished_at: Nullable(Type.String({ format: 'date-time' })),
  workflow_id: Type.String(),
  counts: Counts,
});
/** A batch in the list. */
export type BatchSummaryView = Static<typeof BatchSummaryView>;

/** A listing that needs a person: failed (retry it) or held by the quality gate (with the gate's reasons). */
export const BatchProblemView = Type.Object({
  position: Type.Integer(),
  row: Type.Integer(),
  name: Type.String(),
  city: Type.String(),
  status: Type.Union([Type.Literal('failed'), Type.Literal('held')]),
  reason: Type.String(),
  attempts: Type.Integer(),
});

/** A batch's page: its summary, the listings that failed or are held, and the latest previews it made. */
export const BatchView = Type.Object({
  ...BatchSummaryView.properties,
  problems: Type.Array(BatchProblemView),
  sites: Type.Array(Type.Object({ position: Type.Integer(), name: Type.String(), site_id: Type.String({ format: 'uuid' }), slug: Type.String(), url: Type.String(), status: Type.String(), expires_at: Nullable(Type.String({ format: 'date-time' })) })),
});
/** A batch's page. */
export type BatchView = Static<typeof BatchView>;

/** What starting a batch's workflow needs besides the batch. */
function batchInput(deps: ApiDeps, batch: { id: string; name: string; accepted: number }, rest: Partial<PreviewBatchInput> = {}): PreviewBatchInput {
  const { previews, outreach } = deps.config;
  return {
    batchId: batch.id, name: batch.name, total: batch.accepted, next: 1,
    pace: { concurrency: previews.concurrency, ratePerSecond: previews.ratePerSecond, continueAsNewEvery: previews.continueAsNewEvery },
    followUpAfterMs: outreach.followUpAfterMs, ...rest,
  };
}

/** Existing businesses and listings already waiting in other batches that carry one of the keys. */
async function knownKeys(em: EntityManager, phones: string[], names: string[]): Promise<{ phones: Set<string>; names: Set<string> }> {
  if (phones.length === 0) return { phones: new Set(), names: new Set() };
  const conn = em.getConnection();
  const normalised = (column: string) => `btrim(lower(regexp_replace(coalesce(${column}, ''), '[^[:alnum:]]+', ' ', 'g')))`;
  const [businessPhones, businessNames, listingPhones, listingNames] = await Promise.all([
    conn.execute<{ k: string }[]>(`select distinct ltrim(regexp_replace(phone, '[^0-9]', '', 'g'), '0') as k from businesses where ltrim(regexp_replace(phone, '[^0-9]', '', 'g'), '0') in (?)`, [phones]),
    conn.execute<{ k: string }[]>(`select distinct k from (select ${normalised('name')} || '|' || ${normalised('address')} || '|' || ${normalised('city')} as k from businesses) b where k in (?)`, [names]),
    conn.execute<{ k: string }[]>(`select distinct phone_key as k from preview_listings where phone_key in (?) and status not in ('failed', 'cancelled')`, [phones]),
    conn.execute<{ k: string }[]>(`select distinct name_address_key as k from preview_listings where name_address_key in (?) and status not in ('failed', 'cancelled')`, [names]),
  ]);
  return { phones: new Set([...businessPhones, ...listingPhones].map((r) => r.k)), names: new Set([...businessNames, ...listingNames].map((r) => r.k)) };
}

/** The business name a refused row gives, when it gives one, so the report says which business it was. */
function nameOf(value: unknown): string | null {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 200) : null;
}

/** A photo file uploaded with a batch, by the name its listings give in `photos`. */
export interface UploadedPhoto {
  name: string;
  bytes: Buffer;
}

/** The uploaded files by name, each readable as a photo or with the reason it is not; two files of one name fail the upload. */
async function inspectUploads(deps: Pick<ApiDeps, 'config'>, photos: UploadedPhoto[]): Promise<{ check: PhotoCheck; usable: Map<string, UploadedPhoto> }> {
  const problems = new Map<string, string>();
  const usable = new Map<string, UploadedPhoto>();
  for (const photo of photos) {
    if (usable.has(photo.name) || problems.has(photo.name)) throw new ValidationError('duplicate_photo_name', `Two photo files are named "${photo.name}"; give every file its own name.`);
    try {
      await inspectPhoto(photo.bytes, deps.config.photos);
      usable.set(photo.name, photo);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.set(photo.name, error.message);
    }
  }
  const check: PhotoCheck = (name) => {
    const problem = problems.get(name);
    if (problem) return `The photo "${name}" cannot be used: ${problem}`;
    return usable.has(name) ? null : `The photo "${name}" was not uploaded with the batch; upload it with the listings, or leave it out.`;
  };
  return { check, usable };
}

/**
 * Imports a batch of listings: checks every row and the photo files it names, finds duplicates (the same phone
 * number, or the same name and address, as an existing business, a listing of another batch or an earlier row), stores
 * the accepted ones and the photo files they name, and starts the batch's workflow. Nothing is stored when no row is
 * accepted; a workflow that cannot start removes the batch and its files again.
 */
export async function importListingBatch(
  deps: ApiDeps, em: EntityManager, store: PhotoStore,
  input: { name: string; sendOutreach: boolean; rows: ListingRow[]; photos?: UploadedPhoto[]; createdBy: string | null },
): Promise<ImportAnswer> {
  if (input.rows.length === 0) throw new ValidationError('no_listings', 'The upload has no listings.');
  if (input.rows.length > deps.config.previews.maxListings) throw new ValidationError('too_many_listings', `One import may carry at most ${deps.config.previews.maxListings} listings; split the file.`);
  const uploads = await inspectUploads(deps, input.photos ?? []);
  const checked = input.rows.map((row) => checkListing(row, uploads.check));
  const valid = checked.flatMap((c) => ('listing' in c ? [{ row: c.row, listing: c.listing, phone: phoneKey(c.listing.phone), place: nameAddressKey(c.listing) }] : []));
  const known = await knownKeys(em, [...new Set(valid.map((v) => v.phone))], [...new Set(valid.map((v) => v.place))]);
  const firstPhone = new Map<string, number>();
  const firstPlace = new Map<string, number>();
  const accepted: { row: number; listing: Listing; phone: string; place: string }[] = [];
  const reports = new Map<number, ImportRowReport>();
  const report = (row: number, fields: Omit<ImportRowReport, 'row'>) => reports.set(row, { row, ...fields });
  checked.forEach((c, index) => {
    if (!('listing' in c)) report(c.row, { outcome: 'refused', name: nameOf(input.rows[index]?.value), position: null, field: c.field, reason: c.reason });
  });
  for (const v of valid) {
    const earlier = firstPhone.get(v.phone) ?? firstPlace.get(v.place);
    const duplicate = known.phones.has(v.phone)
      ? `A business with the phone number ${v.listing.phone} already exists.`
      : known.names.has(v.place)
        ? `A business named ${v.listing.name} at ${v.listing.address}, ${v.listing.city} already exists.`
        : earlier !== undefined ? `The same business as row ${earlier} (same ${firstPhone.has(v.phone) ? 'phone number' : 'name and address'}).` : null;
    if (duplicate) {
      report(v.row, { outcome: 'duplicate', name: v.listing.name, position: null, field: null, reason: duplicate });
      continue;
    }
    firstPhone.set(v.phone, v.row);
    firstPlace.set(v.place, v.row);
    accepted.push(v);
    report(v.row, { outcome: 'accepted', name: v.listing.name, position: accepted.length, field: null, reason: null });
  }
  const rows = [...reports.values()].sort((a, b) => a.row - b.row);
  const named = new Set(accepted.flatMap((a) => a.listing.photos ?? []));
  const answer = (batchId: string | null): ImportAnswer => ({
    batch_id: batchId, workflow_id: batchId ? workflowIds.previewBatch(batchId) : null,
    accepted: accepted.length, duplicates: rows.filter((r) => r.outcome === 'duplicate').length, refused: rows.filter((r) => r.outcome === 'refused').length, rows,
    unused_photos: [...uploads.usable.keys()].filter((name) => !named.has(name)),
  });
  if (accepted.length === 0) return answer(null);

  const batchId = randomUUID();
  const files = [...named].map((name, index) => ({ name, key: `imports/${batchId}/${index + 1}`, bytes: uploads.usable.get(name)!.bytes }));
  const removeFiles = () => Promise.allSettled(files.map((f) => store.delete(f.key)));
  try {
    await Promise.all(files.map((f) => store.put(f.key, f.bytes, 'application/octet-stream')));
  } catch (error) {
    await removeFiles();
    throw error;
  }
  const batch = await em.fork().transactional(async (tx) => {
    const created = tx.create(PreviewBatch, { id: batchId, name: input.name, accepted: accepted.length, sendOutreach: input.sendOutreach, createdBy: input.createdBy });
    for (const f of files) tx.create(PreviewBatchPhoto, { batch: created, name: f.name, storageKey: f.key, bytes: f.bytes.length });
    await tx.flush();
    const now = new Date();
    // insertMany skips the entity's onCreate hooks: the key and timestamps are given here, in chunks within PostgreSQL's parameter limit.
    for (let from = 0; from < accepted.length; from += INSERT_CHUNK) {
      await tx.insertMany(PreviewListing, accepted.slice(from, from + INSERT_CHUNK).map((a, index) => ({
        id: randomUUID(), createdAt: now, updatedAt: now, batch: created.id, position: from + index + 1, rowNumber: a.row, listing: a.listing,
        phoneKey: a.phone, nameAddressKey: a.place, status: 'pending' as const, attempts: 0,
      })));
    }
    return created;
  }).catch(async (error: unknown) => {
    await removeFiles();
    throw error;
  });
  try {
    await callTemporal(deps, (client) => client.workflow.start(previewBatchWorkflow, {
      ...batchStartOptions(batchInput(deps, batch)),
      taskQueue: deps.config.temporal.taskQueue,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }), { service: 'preview batches' });
  } catch (error) {
    await em.fork().nativeDelete(PreviewBatch, { id: batch.id });
    await removeFiles();
    throw error;
  }
  return answer(batch.id);
}

async function countsOf(em: EntityManager, batchIds: string[]): Promise<Map<string, Record<PreviewListingStatus, number>>> {
  const rows = batchIds.length === 0 ? [] : await em.getConnection().execute<{ batch_id: string; status: PreviewListingStatus; n: string }[]>(
    'select batch_id, status, count(*) as n from preview_listings where batch_id in (?) group by batch_id, status', [batchIds],
  );
  const counts = new Map(batchIds.map((id) => [id, Object.fromEntries(PREVIEW_LISTING_STATUSES.map((s) => [s, 0])) as Record<PreviewListingStatus, number>]));
  for (const r of rows) counts.get(r.batch_id)![r.status] = Number(r.n);
  return counts;
}

type BatchRow = Awaited<ReturnType<typeof loadBatch>>;

async function loadBatch(em: EntityManager, id: string) {
  const batch = await em.findOne(PreviewBatch, id);
  if (!batch) throw new NotFoundError('batch_not_found', 'There is no batch with this id.');
  return batch;
}

function summary(batch: BatchRow, counts: Record<PreviewListingStatus, number>): BatchSummaryView {
  return {
    id: batch.id, name: batch.name, status: batch.status, accepted: batch.accepted, send_outreach: batch.sendOutreach, created_by: batch.createdBy ?? null,
    created_at: batch.createdAt.toISOString(), finished_at: batch.finishedAt?.toISOString() ?? null, workflow_id: workflowIds.previewBatch(batch.id), counts,
  };
}

/** The latest batches, newest first, with their progress. */
export async function listBatches(em: EntityManager, limit = 50): Promise<BatchSummaryView[]> {
  const batches = await em.find(PreviewBatch, {}, { orderBy: { createdAt: 'desc' }, limit });
  const counts = await countsOf(em, batches.map((b) => b.id));
  return batches.map((b) => summary(b, counts.get(b.id)!));
}

/** One batch: progress, every failed or held listing with its reason, and the latest previews it made. */
export async function readBatch(deps: ApiDeps, em: EntityManager, id: string): Promise<BatchView> {
  const batch = await loadBatch(em, id);
  const counts = (await countsOf(em, [id])).get(id)!;
  const problems = await em.find(PreviewListing, { batch: id, status: { $in: ['failed', 'held'] } }, { orderBy: { position: 'asc' }, limit: 500 });
  const done = await em.find(PreviewListing, { batch: id, site: { $ne: null } }, { orderBy: { position: 'desc' }, limit: 50, populate: ['site'] });
  return {
    ...summary(batch, counts),
    problems: problems.map((p) => ({ position: p.position, row: p.rowNumber, name: p.listing.name, city: p.listing.city, status: p.status as 'failed' | 'held', reason: p.reason ?? '', attempts: p.attempts })),
    sites: done.map((d) => ({
      position: d.position, name: d.listing.name, site_id: d.site!.id, slug: d.site!.slug, url: siteUrl(deps.config, d.site!.slug), status: d.site!.status, expires_at: d.expiresAt?.toISOString() ?? null,
    })),
  };
}

/** Cancels a generating batch: listings not started are marked cancelled, previews already made stay. */
export async function cancelBatch(deps: ApiDeps, em: EntityManager, id: string): Promise<BatchView> {
  const batch = await loadBatch(em, id);
  const finished = () => new ConflictError('batch_finished', 'This batch has finished generating; there is nothing left to cancel.');
  if (batch.status !== 'running') throw finished();
  await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.previewBatch(id)).executeUpdate(cancelBatchUpdate), {
    service: 'preview batches',
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return finished();
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      return cause instanceof ApplicationFailure && cause.type === BATCH_FAILURES.finished ? finished() : undefined;
    },
  });
  return readBatch(deps, em, id);
}

/** Generates one failed listing again; the batch's workflow is started again when it had ended. */
export async function retryListing(deps: ApiDeps, em: EntityManager, id: string, position: number): Promise<BatchView> {
  const batch = await loadBatch(em, id);
  const listing = await em.findOne(PreviewListing, { batch: id, position });
  if (!listing) throw new NotFoundError('listing_not_found', `The batch has no listing at position ${position}.`);
  if (listing.status !== 'failed') throw new ConflictError('listing_not_failed', `Only a failed listing can be retried; this one is ${listing.status}.`);
  await callTemporal(deps, (client) => client.workflow.signalWithStart(previewBatchWorkflow, {
    ...batchStartOptions(batchInput(deps, batch, { next: batch.accepted + 1, finished: batch.finishedAt !== null, cancelled: batch.status === 'cancelled' })),
    taskQueue: deps.config.temporal.taskQueue,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    signal: retryListingSignal,
    signalArgs: [{ position }],
  }), { service: 'preview batches' });
  return readBatch(deps, em, id);
}

/** An address on the suppression list. */
export const SuppressionView = Type.Object({ email: Type.String(), reason: Type.Enum(SUPPRESSION_REASONS), created_at: Type.String({ format: 'date-time' }) });

/** The suppression list, newest first. */
export async function listSuppressions(em: EntityManager): Promise<{ email: string; reason: SuppressionReason; created_at: string }[]> {
  const rows = await em.find(EmailSuppression, {}, { orderBy: { createdAt: 'desc' }, limit: 500 });
  return rows.map((r) => ({ email: r.email, reason: r.reason, created_at: r.createdAt.toISOString() }));
}

/** Adds an address to the suppression list (an address already on it keeps its first reason). */
export async function suppressAddress(em: EntityManager, email: string, reason: SuppressionReason): Promise<void> {
  await em.fork().upsert(EmailSuppression, { email: email.trim().toLowerCase(), reason }, { onConflictFields: ['email'], onConflictAction: 'ignore' });
}
