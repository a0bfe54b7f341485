import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ValidationError } from '../../../lib/errors.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { listingRowsFromCsv, type ListingRow } from '../../../lib/listing-import.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import {
  BatchSummaryView, BatchView, cancelBatch, SuppressionView, ImportAnswer, importListingBatch, listBatches, listSuppressions, readBatch, retryListing, suppressAddress,
} from '../../services/preview-batches.js';

/** Uploads of up to PREVIEW_BATCH_MAX_LISTINGS listings (a few hundred bytes each). */
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
/** A JSON import may also carry photo files (base64): up to this many bytes in all. */
const IMPORT_WITH_PHOTOS_LIMIT = 128 * 1024 * 1024;
/** At most this many photo files with one import. */
const MAX_IMPORT_PHOTOS = 500;
const BatchName = SingleLine(200, 'What operators call the batch (also the `PreviewBatch` search attribute in the Temporal UI)');
const BatchParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A photo file's bytes from its base64 text (400 naming the file when it is not base64). */
function base64File(name: string, data: string): Buffer {
  const text = data.replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new ValidationError('photo_not_base64', `The photo "${name.slice(0, 200)}" is not base64 text; send each file's bytes base64-encoded in \`data\`.`);
  return Buffer.from(text, 'base64');
}

/** The rows of a CSV upload; a header the import cannot read is a 400 saying why. */
function csvRows(text: string): ListingRow[] {
  const parsed = listingRowsFromCsv(text);
  if ('error' in parsed) throw new ValidationError('invalid_csv', parsed.error);
  return parsed.rows;
}

/** The rows of a JSON import: its `listings`, or the CSV text in `csv` (exactly one of the two). */
function importRows(body: { listings?: unknown[]; csv?: string }): ListingRow[] {
  if ((body.listings === undefined) === (body.csv === undefined)) {
    throw new ValidationError('listings_missing', 'Give the listings either as `listings` (a list of objects) or as `csv` (CSV text), not both.');
  }
  return body.listings?.map((value, index) => ({ row: index + 1, value })) ?? csvRows(body.csv ?? '');
}

/** Generation batches (operators): import listings as JSON or CSV, follow a batch, cancel it, retry one listing; the outreach suppression list. */
export const previewBatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/preview-batches', {
    bodyLimit: IMPORT_WITH_PHOTOS_LIMIT,
    schema: {
      tags, security,
      summary: 'Import a batch of listings (JSON, or CSV text in `csv`) with their photo files, and start generating their previews; answers a report per row',
      body: Type.Object({
        name: BatchName,
        send_outreach: Type.Optional(Type.Boolean({ description: 'Email each business that has an address its preview link (suppression list and daily cap apply)' })),
        listings: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, maxItems: 100_000, description: 'The listings as objects; give either this or `csv`' })),
        csv: Type.Optional(Type.String({ minLength: 1, maxLength: IMPORT_BODY_LIMIT, description: 'The listings as CSV text (see the README for the columns); give either this or `listings`' })),
        photos: Type.Optional(Type.Array(Type.Object({
          name: SingleLine(200, 'The file name listings give in `photos`'),
          data: Type.String({ minLength: 1, maxLength: IMPORT_WITH_PHOTOS_LIMIT, contentEncoding: 'base64', description: 'The file, base64-encoded (JPEG, PNG, WebP or AVIF)' }),
        }, { additionalProperties: false }), { maxItems: MAX_IMPORT_PHOTOS, description: 'Photo files the listings name: the first a listing names is its hero image, the rest its gallery' })),
      }, { additionalProperties: false }),
      response: { 201: ImportAnswer, 200: ImportAnswer, ...errorResponses(400, 401, 403, 413, 503) },
    },
  }, async (request, reply) => {
    const answer = await importListingBatch(app.deps, request.em, app.photos, {
      name: request.body.name.trim(), sendOutreach: request.body.send_outreach ?? false, createdBy: request.operator?.name ?? null,
      rows: importRows(request.body), photos: (request.body.photos ?? []).map((photo) => ({ name: photo.name.trim(), bytes: base64File(photo.name, photo.data) })),
    });
    return reply.status(answer.batch_id ? 201 : 200).send(answer);
  });

  app.post('/preview-batches/import.csv', {
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags, security, summary: 'Import a batch of listings (text/csv, see the README for the columns) and start generating their previews',
      consumes: ['text/csv'],
      querystring: Type.Object({ name: BatchName, send_outreach: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      body: Type.String({ minLength: 1 }),
      response: { 201: ImportAnswer, 200: ImportAnswer, ...errorResponses(400, 401, 403, 415, 503) },
    },
  }, async (request, reply) => {
    const answer = await importListingBatch(app.deps, request.em, app.photos, {
      name: request.query.name.trim(), sendOutreach: request.query.send_outreach ?? false, createdBy: request.operator?.name ?? null, rows: csvRows(request.body),
    });
    return reply.status(answer.batch_id ? 201 : 200).send(answer);
  });

  app.get('/preview-batches', {
    schema: { tags, security, summary: 'The latest batches, newest first, with their progress', response: { 200: Type.Object({ batches: Type.Array(BatchSummaryView) }), ...errorResponses(401, 403) } },
  }, async (request) => ({ batches: await listBatches(request.em) }));

  app.get('/preview-batches/:id', {
    schema: { tags, security, summary: 'A batch: progress, failed and held listings with their reasons, the latest previews', params: BatchParams, response: { 200: BatchView, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => readBatch(app.deps, request.em, request.params.id));

  app.post('/preview-batches/:id/cancel', {
    schema: { tags, security, summary: 'Cancel a generating batch: listings not started are cancelled, previews made stay', params: BatchParams, response: { 200: BatchView, ...errorResponses(400, 401, 403, 404, 409, 503) } },
  }, async (request) => cancelBatch(app.deps, request.em, request.params.id));

  app.post('/preview-batches/:id/listings/:position/retry', {
    schema: {
      tags, security, summary: 'Generate one failed listing again',
      params: Type.Object({ id: Type.String({ format: 'uuid' }), position: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
      response: { 200: BatchView, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }, async (request) => retryListing(app.deps, request.em, request.params.id, request.params.position));

  app.get('/outreach/suppressions', {
    schema: {
      tags, security, summary: 'Addresses outreach never writes to (newest first)',
      response: { 200: Type.Object({ suppressions: Type.Array(SuppressionView) }), ...errorResponses(401, 403) },
    },
  }, async (request) => ({ suppressions: await listSuppressions(request.em) }));

  app.post('/outreach/suppressions', {
    schema: {
      tags, security, summary: 'Add an address to the suppression list by hand',
      body: Type.Object({ email: Type.String({ format: 'email', maxLength: FIELD_LIMITS.email }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => {
    await suppressAddress(request.em, request.body.email, 'manual');
    return reply.status(204).send(null);
  });
};
