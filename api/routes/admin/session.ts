import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { verifyAgainstNothing, verifyPassword } from '../../../lib/auth/passwords.js';
import { AuthError } from '../../../lib/errors.js';
import { csrfTokenFor, endOperatorSession, findOperatorByEmail, OPERATOR_COOKIE, startOperatorSession, type Operator } from '../../auth/operator-sessions.js';
import { assertNotBackingOff, clearFailures, LimitKeys, recordFailure } from '../../auth/rate-limit.js';
import { errorResponses } from '../../schemas/common.js';
import { Email, NoContent, Password } from '../../schemas/customer.js';
import { readCookie } from '../../auth/cookies.js';

const OperatorDto = Type.Object({ id: Type.String({ format: 'uuid' }), email: Type.String(), name: Type.String(), role: Type.String() });
const ConsoleSession = Type.Object({
  operator: OperatorDto,
  csrf_token: Type.String({ description: 'Send as the x-csrf-token header on every state-changing admin request' }),
  temporal_ui_url: Type.String({ description: 'Base of the Temporal Web UI links, namespace included' }),
});

/** Sign-in and sign-out of named operators for the agent console (a cookie session with a CSRF token). */
export const operatorSessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const keys = LimitKeys.from(config);
  const tags = ['support agents'];
  const answer = (operator: Operator, token: string) => ({
    operator: { id: operator.id, email: operator.email, name: operator.name, role: operator.role },
    csrf_token: csrfTokenFor(config, token),
    temporal_ui_url: `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}`,
  });

  app.post('/', {
    config: { access: 'public' },
    schema: {
      tags, summary: 'Sign an operator in to the agent console; sets the HttpOnly session cookie',
      body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
      response: { 200: ConsoleSession, ...errorResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    const email = request.body.email.trim().toLowerCase();
    const limits = keys.signIn(config.auth.rateLimits.login, 'operator-login', email, request.ip);
    await assertNotBackingOff(request.em, reply, limits);
    const operator = await findOperatorByEmail(request.em, email);
    const matches = operator ? await verifyPassword(operator.passwordHash, request.body.password) : await verifyAgainstNothing(request.body.password);
    if (!operator || !matches || !operator.isActive) {
      await recordFailure(request.em, limits);
      throw new AuthError('invalid_credentials', 'The email address or password is incorrect');
    }
    await clearFailures(request.em, [limits[1]!.key]);
    operator.lastLoginAt = new Date();
    const token = await startOperatorSession(request.em, config, operator, reply);
    return answer(operator, token);
  });

  app.get('/', {
    schema: { tags, summary: 'The signed-in operator and the session\'s CSRF token', response: { 200: ConsoleSession, ...errorResponses(401, 404) } },
  }, async (request) => {
    const token = readCookie(request, OPERATOR_COOKIE);
    if (!request.operator || !token) throw new AuthError('no_console_session', 'The admin API token has no console session');
    return answer(request.operator, token);
  });

  app.delete('/', {
    schema: { tags, summary: 'Sign out of the agent console', response: { 204: NoContent, ...errorResponses(401, 403) } },
  }, async (request, reply) => {
    await endOperatorSession(request.em, readCookie(request, OPERATOR_COOKIE), reply);
    return reply.status(204).send(null);
  });
};
