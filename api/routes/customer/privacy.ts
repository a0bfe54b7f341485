import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../schemas/common.js';
import { exportArchive, readErasure, requestAccountDeletion, undoAccountDeletion } from '../../services/privacy.js';

const Erasure = Type.Object({
  id: Type.String({ format: 'uuid' }), status: Type.String(), requested_at: Type.String({ format: 'date-time' }), erase_after: Type.String({ format: 'date-time' }),
});
const ErasureAnswer = Type.Object({ erasure: Type.Union([Erasure, Type.Null()]) });

/** The signed-in customer's privacy requests: the export of their data, and the deletion of their account with its undo window. */
export const privacyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['privacy'];
  const security = [{ bearer: [] }];

  app.get('/privacy/export', {
    schema: {
      tags, security, summary: 'Everything held about the customer, as a .zip of JSON files with a README.txt',
      response: { 200: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'application/zip' }), ...errorResponses(401) },
    },
  }, async (request, reply) => {
    const archive = await exportArchive(request.em, request.customer.id);
    const day = new Date().toISOString().slice(0, 10);
    return reply.type('application/zip').header('content-disposition', `attachment; filename="webmagic-data-${day}.zip"`).send(Buffer.from(archive));
  });

  app.get('/privacy/erasure', {
    schema: { tags, security, summary: 'The account deletion pending for the customer, if any', response: { 200: ErasureAnswer, ...errorResponses(401) } },
  }, async (request) => readErasure(request.em, request.customer.id));

  app.post('/privacy/erasure', {
    schema: {
      tags, security, summary: 'Delete the account: scheduled after the undo window (7 days), then subscriptions end and personal data is erased',
      response: { 202: ErasureAnswer, ...errorResponses(401, 409) },
    },
  }, async (request, reply) => reply.code(202).send(await requestAccountDeletion(app.deps, request.em, request.customer)));

  app.delete('/privacy/erasure', {
    schema: { tags, security, summary: 'Undo the pending account deletion', response: { 200: ErasureAnswer, ...errorResponses(401, 409) } },
  }, async (request) => undoAccountDeletion(app.deps, request.em, request.customer));
};
