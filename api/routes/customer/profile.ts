import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyPassword } from '../../../lib/auth/passwords.js';
import { ValidationError } from '../../../lib/errors.js';
import { rejectSession } from '../../auth/authenticate.js';
import { assertNotBackingOff, LimitKeys, recordFailure } from '../../auth/rate-limit.js';
import { errorResponses } from '../../schemas/common.js';
import { ChangePasswordBody, CustomerProfile, DoneResponse, ProfileBody } from '../../schemas/customer.js';
import { changePassword, customerProfile, updateProfile } from '../../services/accounts.js';
import { readProfile } from '../../services/owner-reads.js';

/** The signed-in customer: the profile, its changes and the password. */
export const profileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const keys = LimitKeys.from(config);
  const tags = ['customer'];
  const security = [{ bearer: [] }];

  app.get('/me', {
    config: { access: 'token' },
    schema: { tags, security, summary: 'The signed-in customer, with owned-site count and primary site', response: { 200: CustomerProfile, ...errorResponses(401) } },
  }, async (request, reply) => await readProfile(app.sql, config, request.claims) ?? await rejectSession(request, reply));

  app.post('/change-password', {
    schema: {
      tags,
      security,
      summary: 'Change the password; every other session ends',
      body: ChangePasswordBody,
      response: { 200: DoneResponse, ...errorResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    const customer = request.customer;
    const limits = keys.signIn(config.auth.rateLimits.login, 'change-password', customer.id, request.ip);
    await assertNotBackingOff(request.em, reply, limits);
    const matches = customer.passwordHash ? await verifyPassword(customer.passwordHash, request.body.current_password) : false;
    if (!matches) {
      await recordFailure(request.em, limits);
      throw new ValidationError('wrong_password', 'The current password is not correct');
    }
    await changePassword(request.em, customer, request.sessionId, request.body.new_password);
    return { status: 'password_changed', message: 'Your password has been changed and your other sessions have been signed out.' };
  });

  app.put('/profile', {
    schema: {
      tags,
      security,
      summary: 'Change name or phone number',
      body: ProfileBody,
      response: { 200: CustomerProfile, ...errorResponses(400, 401) },
    },
  }, async (request) => {
    await updateProfile(request.em, request.customer, { fullName: request.body.full_name?.trim(), phone: request.body.phone });
    return customerProfile(config, request.em, request.customer);
  });
};
