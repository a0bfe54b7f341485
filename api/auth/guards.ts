import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateAdmin, requireAdminRole } from './admin.js';
import { authenticate, authenticateToken } from './authenticate.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route, read by its folder's guard. Unset: the folder's full check (a signed-in customer, or an
     * operator); `public`: nobody needs to sign in (the sign-in routes themselves); `token`: a customer access token
     * only, the route's single query checking the session (hot owner reads); `admin`: an operator with the admin role.
     */
    access?: 'public' | 'token' | 'admin';
  }
}

/** preHandler of the customer folders (/customer, /tickets, /subscriptions): signs the customer in as the route asks. */
export async function customerGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access === 'public') return;
  if (access === 'token') return authenticateToken(request, reply);
  await authenticate(request, reply);
}

/** preHandler of the operator folders (/admin): an operator's console session or the admin API token, plus the admin role where asked. */
export async function operatorGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access === 'public') return;
  await authenticateAdmin(request, reply);
  if (access === 'admin') await requireAdminRole(request);
}
