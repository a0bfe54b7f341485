import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { startSession } from '../../auth/sessions.js';
import { errorResponses } from '../../schemas/common.js';
import { Email, FullName, NewPassword, OpaqueToken, SessionResponse, TokenBody } from '../../schemas/customer.js';
import {
  acceptAsCustomer, acceptWithNewAccount, cancelInvitation, dropCollaborator, inviteCollaborator, readInvitation, readSitePeople,
} from '../../services/collaborators.js';
import { normalizeEmail, sessionAnswer } from './account.js';

const DateTime = Type.String({ format: 'date-time' });
const SitePeople = Type.Object({
  collaborators: Type.Array(Type.Object({ customer_id: Type.String({ format: 'uuid' }), name: Type.String(), email: Type.String(), since: DateTime })),
  invitations: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), email: Type.String(), invited_at: DateTime, expires_at: DateTime })),
});
const SiteIdParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const security = [{ bearer: [] }];
const tags = ['collaborators'];

/** A site's collaborators (owner only: invite, cancel an invitation, remove) and the invitee's side of an emailed invitation. */
export const collaboratorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;

  app.get('/sites/:siteId/collaborators', {
    config: { action: 'collaborators.manage' },
    schema: { tags, security, summary: 'The site’s collaborators and pending invitations', params: SiteIdParams, response: { 200: SitePeople, ...errorResponses(401, 403, 404) } },
  }, async (request) => readSitePeople(request.em, request.site.id));

  app.post('/sites/:siteId/collaborators/invitations', {
    config: { action: 'collaborators.manage' },
    schema: {
      tags, security, summary: 'Invite a person by email to collaborate on the site (the link is valid 7 days)', params: SiteIdParams,
      body: Type.Object({ email: Email }, { additionalProperties: false }),
      response: { 201: SitePeople, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await inviteCollaborator(app.deps, request.em, request.site.id, request.customer, normalizeEmail(request.body.email))));

  app.delete('/sites/:siteId/collaborators/invitations/:invitationId', {
    config: { action: 'collaborators.manage' },
    schema: {
      tags, security, summary: 'Cancel a pending invitation', params: Type.Object({ siteId: Type.String({ format: 'uuid' }), invitationId: Type.String({ format: 'uuid' }) }),
      response: { 200: SitePeople, ...errorResponses(401, 403, 404, 409) },
    },
  }, async (request) => cancelInvitation(app.deps, request.em, request.site.id, request.params.invitationId, request.customer));

  app.delete('/sites/:siteId/collaborators/:customerId', {
    config: { action: 'collaborators.manage' },
    schema: {
      tags, security, summary: 'Remove a collaborator from the site', params: Type.Object({ siteId: Type.String({ format: 'uuid' }), customerId: Type.String({ format: 'uuid' }) }),
      response: { 200: SitePeople, ...errorResponses(401, 403, 404) },
    },
  }, async (request) => dropCollaborator(request.em, request.site.id, request.params.customerId, request.customer));

  app.post('/invitations/lookup', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'What an emailed invitation link is for: site, inviter, address, and whether that address has an account', body: TokenBody,
      response: { 200: Type.Object({ site_title: Type.String(), inviter_name: Type.String(), email: Type.String(), has_account: Type.Boolean(), expires_at: DateTime }), ...errorResponses(400) },
    },
  }, async (request) => readInvitation(request.em, request.body.token));

  app.post('/invitations/accept', {
    schema: {
      tags, security, summary: 'Accept an invitation as the signed-in customer it was sent to', body: TokenBody,
      response: { 200: Type.Object({ site_id: Type.String({ format: 'uuid' }) }), ...errorResponses(400, 401, 403, 409) },
    },
  }, async (request) => acceptAsCustomer(app.deps, request.em, request.body.token, request.customer));

  app.post('/invitations/accept-new', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Accept an invitation by creating an account for its address; signs in',
      body: Type.Object({ token: OpaqueToken, full_name: FullName, password: NewPassword }, { additionalProperties: false }),
      response: { 200: SessionResponse, ...errorResponses(400, 409) },
    },
  }, async (request, reply) => {
    const customer = await acceptWithNewAccount(app.deps, request.em, { token: request.body.token, fullName: request.body.full_name.trim(), password: request.body.password });
    return sessionAnswer(config, request, reply, customer, await startSession(request.em, config.auth, customer));
  });
};
