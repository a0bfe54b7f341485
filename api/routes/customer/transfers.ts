import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { startSession } from '../../auth/sessions.js';
import { SessionResponse } from '../../schemas/customer.js';
import { errorResponses } from '../../schemas/common.js';
import {
  AcceptTransferBody, InvitationQuery, OwnerTransferBody, PendingTransferAnswer, TransferInvitationAnswer, TransferStatusAnswer,
} from '../../schemas/ownership.js';
import { acceptTransfer, cancelTransfer, pendingTransfer, startTransfer, transferInvitation } from '../../services/site-transfers.js';
import { sessionAnswer } from './account.js';

const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const security = [{ bearer: [] }];
const tags = ['transfers'];

/** Site transfers: the owner asks for one (or cancels it) from the portal; the recipient reads and accepts the emailed invitation. */
export const transferRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const actor = (customer: { id: string; fullName: string }) => ({ kind: 'customer' as const, id: customer.id, name: customer.fullName });

  app.get('/sites/:siteId/transfer', {
    config: { action: 'site.transfer' },
    schema: { tags, security, summary: 'The site’s transfer waiting for its recipient, if any', params: SiteIdParams, response: { 200: TransferStatusAnswer, ...errorResponses(401, 403, 404) } },
  }, async (request) => ({ transfer: await pendingTransfer(app.deps, request.params.siteId) }));

  app.post('/sites/:siteId/transfer', {
    config: { action: 'site.transfer' },
    schema: {
      tags, security, summary: 'Offers the site to another person, who accepts from an emailed link within the transfer expiry (7 days by default)',
      params: SiteIdParams, body: OwnerTransferBody, response: { 201: PendingTransferAnswer, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await startTransfer(app.deps, request.em, actor(request.customer), {
    siteId: request.params.siteId, recipientEmail: request.body.recipient_email, reason: null,
  })));

  app.post('/sites/:siteId/transfer/cancel', {
    config: { action: 'site.transfer' },
    schema: { tags, security, summary: 'Cancels the site’s pending transfer', params: SiteIdParams, response: { 200: PendingTransferAnswer, ...errorResponses(401, 403, 404, 409) } },
  }, async (request) => cancelTransfer(app.deps, request.params.siteId, actor(request.customer), null));

  app.get('/transfers/invitation', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'What an emailed transfer link offers (the link is not spent)', querystring: InvitationQuery,
      response: { 200: TransferInvitationAnswer, ...errorResponses(400) },
    },
  }, async (request) => transferInvitation(app.deps, request.em, request.query.site_id, request.query.token));

  app.post('/transfers/accept', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Accepts a transfer with its emailed link and the account’s password (or its first one); signs the recipient in',
      body: AcceptTransferBody, response: { 200: SessionResponse, ...errorResponses(400, 409) },
    },
  }, async (request, reply) => {
    const customer = await acceptTransfer(app.deps, request.em, { siteId: request.body.site_id, token: request.body.token, password: request.body.password });
    return sessionAnswer(config, request, reply, customer, await startSession(request.em, config.auth, customer));
  });
};
