import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ValidationError } from '../../../lib/errors.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { listingRowsFromCsv } from '../../../lib/listing-import.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import {
  BatchSummaryView, BatchView, cancelBatch, SuppressionView, ImportAnswer, importListingBatch, listBatches, listSuppressions, readBatch, retryListing, suppressAddress,
} from '../../services/preview-batches.js';

/** Uploads of up to PREVIEW_BATCH_MAX_LISTINGS listings (a few hundred bytes each). */
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
const BatchName = SingleLine(200, 'What operators call the batch (also the `PreviewBatch` search attribute in the Temporal UI)');
const BatchParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Generation batches (operators): import listings as JSON or CSV, follow a batch, cancel it, retry one listing; the outreach suppression list. */
export const previewBatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/preview-batches', {
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags, security, summary: 'Import a batch of listings (JSON) and start generating their previews; answers a report per row',
      body: Type.Object({
        name: BatchName,
        send_outreach: Type.Optional(Type.Boolean({ description: 'Email each business that has an address its preview link (suppression list and daily cap apply)' })),
        listings: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 100_000 }),
      }, { additionalProperties: false }),
      response: { 201: ImportAnswer, 200: ImportAnswer, ...errorResponses(400, 401, 403, 503) },
    },
  }, async (request, reply) => {
    const answer = await importListingBatch(app.deps, request.em, {
      name: request.body.name.trim(), sendOutreach: request.body.send_outreach ?? false, createdBy: request.operator?.name ?? null,
      rows: request.body.listings.map((value, index) => ({ row: index + 1, value })),
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
    const parsed = listingRowsFromCsv(request.body);
    if ('error' in parsed) throw new ValidationError('invalid_csv', parsed.error);
    const answer = await importListingBatch(app.deps, request.em, {
      name: request.query.name.trim(), sendOutreach: request.query.send_outreach ?? false, createdBy: request.operator?.name ?? null, rows: parsed.rows,
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
