import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { operatorActor } from '../../../db/audit-log.js';
import { errorResponses } from '../../schemas/common.js';
import {
  CancelTransferBody, LinkedSiteAnswer, LinkSiteBody, OperatorTransferBody, PendingTransferAnswer, RemovedSiteAnswer, RemoveSiteBody, TransferStatusAnswer,
} from '../../schemas/ownership.js';
import { linkSite, removeSite } from '../../services/ownership.js';
import { cancelTransfer, pendingTransfer, startTransfer } from '../../services/site-transfers.js';

/** Ownership operations of the console (admins): link a site to a customer, remove it from an account, transfer it. Each needs a reason, kept in the audit log. */
export const ownershipRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];
  const config = { operatorAction: 'ownership.manage' as const };

  app.post('/link', {
    config,
    schema: {
      tags, security, body: LinkSiteBody, response: { 201: LinkedSiteAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      summary: 'Makes a customer the owner of a site by hand (paid outside the checkout, or a repair): owned, subscription awaiting activation, its workflow started',
    },
  }, async (request, reply) => reply.code(201).send(await linkSite(app.deps, request.em, operatorActor(request.operator), request.body)));

  app.post('/remove', {
    config,
    schema: {
      tags, security, body: RemoveSiteBody, response: { 200: RemovedSiteAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      summary: 'Removes a site from its owner’s account: subscription cancelled now, collaborators removed, the owner’s primary site re-elected; the site stays offline',
    },
  }, async (request) => removeSite(app.deps, request.em, operatorActor(request.operator), { siteId: request.body.site_id, reason: request.body.reason }));

  app.post('/transfer', {
    config,
    schema: {
      tags, security, body: OperatorTransferBody, response: { 201: PendingTransferAnswer, ...errorResponses(400, 401, 403, 404, 409) },
      summary: 'Starts the transfer of a site to another person on the owner’s request: the recipient accepts from an emailed link',
    },
  }, async (request, reply) => reply.code(201).send(await startTransfer(app.deps, request.em, operatorActor(request.operator), {
    siteId: request.body.site_id, recipientEmail: request.body.recipient_email, reason: request.body.reason,
  })));

  app.get('/transfer', {
    schema: {
      tags, security, querystring: Type.Object({ site_id: Type.String({ format: 'uuid' }) }), response: { 200: TransferStatusAnswer, ...errorResponses(400, 401) },
      summary: 'The site’s transfer waiting for its recipient, if any',
    },
  }, async (request) => ({ transfer: await pendingTransfer(app.deps, request.query.site_id) }));

  app.post('/transfer/cancel', {
    config,
    schema: {
      tags, security, body: CancelTransferBody, response: { 200: PendingTransferAnswer, ...errorResponses(400, 401, 403, 409) },
      summary: 'Cancels the site’s pending transfer (its link stops working)',
    },
  }, async (request) => cancelTransfer(app.deps, request.body.site_id, operatorActor(request.operator), request.body.reason));
};
