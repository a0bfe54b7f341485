import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { siteExists } from '../../../db/sites.js';
import { NotFoundError, ValidationError } from '../../../lib/errors.js';
import { errorResponses } from '../../schemas/common.js';
import { createExperiment, experimentWithResults, recentExperimentIds, startExperiment, stopExperiment } from '../../services/experiments.js';

const Variant = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9_-]+$' }),
  weight: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
  content: Type.String({ minLength: 1, maxLength: 500 }),
}, { additionalProperties: false });

const ExperimentRequest = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9_-]+$' }),
  site_id: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  slot: Type.Union([Type.Literal('headline'), Type.Literal('tagline'), Type.Literal('cta'), Type.Literal('claim_text')]),
  goal: Type.Union(['cta_click:call', 'cta_click:email', 'cta_click:claim', 'booking_submitted', 'claim_started', 'checkout_opened', 'purchase_completed'].map((g) => Type.Literal(g))),
  variants: Type.Array(Variant, { minItems: 2, maxItems: 5 }),
}, { additionalProperties: false });

const VariantResult = Type.Object({
  name: Type.String(), weight: Type.Number(), exposures: Type.Integer(), conversions: Type.Integer(), conversion_rate: Type.Number(),
  uplift: Type.Union([Type.Number(), Type.Null()]), z: Type.Union([Type.Number(), Type.Null()]), p_value: Type.Union([Type.Number(), Type.Null()]),
});

const ExperimentDto = Type.Object({
  id: Type.String(), key: Type.String(), site_id: Type.Union([Type.String(), Type.Null()]), slot: Type.String(), goal: Type.String(),
  status: Type.String(), winner: Type.Union([Type.String(), Type.Null()]),
  started_at: Type.Union([Type.String(), Type.Null()]), stopped_at: Type.Union([Type.String(), Type.Null()]),
  variants: Type.Array(VariantResult),
  srm: Type.Union([Type.Object({ chi_square: Type.Number(), p_value: Type.Number(), mismatch: Type.Boolean() }), Type.Null()]),
});

type Results = Awaited<ReturnType<typeof experimentWithResults>>;

function experimentDto({ experiment: e, results }: Results) {
  return {
    id: e.id, key: e.key, site_id: e.site?.id ?? null, slot: e.slot, goal: e.goal, status: e.status, winner: e.winner ?? null,
    started_at: e.startedAt?.toISOString() ?? null, stopped_at: e.stoppedAt?.toISOString() ?? null,
    variants: results.variants.map((v) => ({
      name: v.name, weight: v.weight, exposures: v.exposures, conversions: v.conversions, conversion_rate: v.conversionRate, uplift: v.uplift, z: v.z, p_value: v.pValue,
    })),
    srm: results.srm ? { chi_square: results.srm.chiSquare, p_value: results.srm.pValue, mismatch: results.srm.mismatch } : null,
  };
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The A/B test console: create, list, start and stop experiments, with their results. */
export const experimentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/experiments', {
    config: { operatorAction: 'experiments.manage' },
    schema: {
      tags: ['admin'], summary: 'Create an A/B test (draft) on one site or, without site_id, on every preview', security: [{ admin: [] }],
      body: ExperimentRequest, response: { 201: ExperimentDto, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const body = request.body;
    if (new Set(body.variants.map((v) => v.name)).size !== body.variants.length) throw new ValidationError('duplicate_variant', 'Variant names must be unique');
    if (body.site_id && !(await siteExists(request.em, body.site_id))) throw new NotFoundError('site_not_found', 'No such site');
    const id = await createExperiment(request.em, { key: body.key, siteId: body.site_id ?? null, slot: body.slot, goal: body.goal, variants: body.variants });
    return reply.status(201).send(experimentDto(await experimentWithResults(request.em, id)));
  });

  app.get('/experiments', {
    config: { operatorAction: 'analytics.platform' },
    schema: { tags: ['admin'], summary: 'Every experiment with its results', security: [{ admin: [] }], response: { 200: Type.Object({ experiments: Type.Array(ExperimentDto) }), ...errorResponses(401, 403) } },
  }, async (request) => {
    const ids = await recentExperimentIds(request.em);
    return { experiments: await Promise.all(ids.map(async (id) => experimentDto(await experimentWithResults(request.em.fork(), id)))) };
  });

  app.get('/experiments/:id', {
    config: { operatorAction: 'analytics.platform' },
    schema: { tags: ['admin'], summary: 'An experiment: per-variant conversion rate, uplift, z-test and SRM check', security: [{ admin: [] }], params: IdParams, response: { 200: ExperimentDto, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => experimentDto(await experimentWithResults(request.em, request.params.id)));

  app.post('/experiments/:id/start', {
    config: { operatorAction: 'experiments.manage' },
    schema: { tags: ['admin'], summary: 'Start assigning visitors', security: [{ admin: [] }], params: IdParams, response: { 200: ExperimentDto, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => {
    await startExperiment(request.em, request.params.id);
    return experimentDto(await experimentWithResults(request.em.fork(), request.params.id));
  });

  app.post('/experiments/:id/stop', {
    config: { operatorAction: 'experiments.manage' },
    schema: {
      tags: ['admin'], summary: 'Stop an experiment; it then serves the winner (or control) to everyone', security: [{ admin: [] }], params: IdParams,
      body: Type.Object({ winner: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])) }, { additionalProperties: false }),
      response: { 200: ExperimentDto, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    await stopExperiment(request.em, request.params.id, request.body.winner ?? null);
    return experimentDto(await experimentWithResults(request.em.fork(), request.params.id));
  });
};
