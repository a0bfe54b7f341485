import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { operatorActor } from '../../../db/audit-log.js';
import { VisitorErasure } from '../../schemas/back-office.js';
import { errorResponses } from '../../schemas/common.js';
import { Email } from '../../schemas/customer.js';
import { eraseVisitor, listVisitorErasures, readVisitorErasure } from '../../services/privacy.js';
import { normalizeEmail } from '../customer/account.js';

/** Privacy requests operators carry out for people without an account: a site visitor's erasure (admin role, `accounts.manage`). */
export const privacyAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];

  app.post('/visitor-erasures', {
    config: { operatorAction: 'accounts.manage' },
    schema: {
      tags, security, summary: 'Erase a site visitor’s data found by their email (bookings, analytics sessions, emails); at once, audited without the address',
      body: Type.Object({ email: Email, reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 202: VisitorErasure, ...errorResponses(400, 401, 403) },
    },
  }, async (request, reply) => reply.code(202).send(await eraseVisitor(app.deps, request.em, normalizeEmail(request.body.email), request.body.reason.trim(), operatorActor(request.operator))));

  app.get('/visitor-erasures', {
    config: { operatorAction: 'accounts.manage' },
    schema: { tags, security, summary: 'The newest visitor erasures (never their addresses)', response: { 200: Type.Object({ erasures: Type.Array(VisitorErasure) }), ...errorResponses(401, 403) } },
  }, async (request) => listVisitorErasures(request.em));

  app.get('/visitor-erasures/:id', {
    config: { operatorAction: 'accounts.manage' },
    schema: { tags, security, summary: 'One visitor erasure', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: VisitorErasure, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => readVisitorErasure(request.em, request.params.id));
};
