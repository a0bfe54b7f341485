import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { pingDatabase } from '../../../db/health.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../../../db/unavailable.js';
import { isOperator } from '../../auth/admin.js';

const CHECK_TIMEOUT_MS = 2000;

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Optional(Type.Object({ database: Check, temporal: Check }, { description: 'Only for an operator (admin token): what failed and why' })),
});

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Liveness (the process answers) and readiness (database and Temporal reachable). */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health/live', {
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', {
    schema: {
      tags: ['health'],
      summary: 'Database and Temporal are reachable',
      description: 'Says only ready or not ready; with the admin token it also names each check and its error.',
      response: { 200: Readiness, 503: Readiness },
    },
  }, async (request, reply) => {
    const { orm, temporal } = app.deps;
    const [database, temporalCheck] = await Promise.all([
      probe(() => pingDatabase(orm.em)),
      probe(() => temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({}))),
    ]);
    const ready = database.ok && temporalCheck.ok;
    const status = ready ? 'ready' as const : 'not_ready' as const;
    const details = await isOperator(request, reply) ? { checks: { database, temporal: temporalCheck } } : {};
    if (!ready) void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return reply.status(ready ? 200 : 503).send({ status, ...details });
  });
};
