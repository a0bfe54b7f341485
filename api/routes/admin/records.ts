import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { operatorActor } from '../../../db/audit-log.js';
import { CustomerRecord, NoteBody, SearchAnswer, SearchQuery, SiteRecord } from '../../schemas/back-office.js';
import { errorResponses } from '../../schemas/common.js';
import { customerRecord, leaveNote, revokeCustomerSession, siteRecord } from '../../services/console-records.js';
import { searchEverything } from '../../services/console-search.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const NoteAnswer = Type.Object({ id: Type.String({ format: 'uuid' }), author_name: Type.String(), body: Type.String(), created_at: Type.String({ format: 'date-time' }) });

/** The console's back office: one search across customers, sites, payments and tickets, and a record page for each customer and site. */
export const backOfficeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];

  app.get('/search', {
    schema: {
      tags, security, summary: 'Find customers, sites, payments and tickets (up to 20 of each) by email, name, slug, business, domain, provider id or ticket id',
      querystring: SearchQuery, response: { 200: SearchAnswer, ...errorResponses(400, 401) },
    },
  }, async (request) => searchEverything(request.em, request.query.q));

  app.get('/customers/:id', {
    schema: { tags, security, summary: 'A customer: profile, live sessions, sites with role and subscription, payments, tickets, edit requests and emails', params: IdParams, response: { 200: CustomerRecord, ...errorResponses(400, 401, 404) } },
  }, async (request) => customerRecord(request.em, request.params.id));

  app.post('/customers/:id/sessions/:sessionId/revoke', {
    config: { operatorAction: 'accounts.manage' },
    schema: {
      tags, security, summary: 'Ends one of the customer’s login sessions (its whole refresh-token family); admin role',
      params: Type.Object({ id: Type.String({ format: 'uuid' }), sessionId: Type.String({ format: 'uuid' }) }),
      response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    await revokeCustomerSession(request.em, request.params.id, request.params.sessionId);
    return reply.status(204).send(null);
  });

  app.get('/sites/:id', {
    schema: { tags, security, summary: 'A site: people, versions, domain checks, subscription, payments, bookings, 30-day analytics and its workflows', params: IdParams, response: { 200: SiteRecord, ...errorResponses(400, 401, 404) } },
  }, async (request) => siteRecord(request.em, app.deps.config, request.params.id));

  app.post('/customers/:id/notes', {
    schema: { tags, security, summary: 'Leaves an operator note on the customer’s page', params: IdParams, body: NoteBody, response: { 201: NoteAnswer, ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => reply.status(201).send(await leaveNote(request.em, operatorActor(request.operator), { customerId: request.params.id }, request.body.body)));

  app.post('/sites/:id/notes', {
    schema: { tags, security, summary: 'Leaves an operator note on the site’s page', params: IdParams, body: NoteBody, response: { 201: NoteAnswer, ...errorResponses(400, 401, 404) } },
  }, async (request, reply) => reply.status(201).send(await leaveNote(request.em, operatorActor(request.operator), { siteId: request.params.id }, request.body.body)));
};
