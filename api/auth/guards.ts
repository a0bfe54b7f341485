import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ISite } from '../../db/entities/site.entity.js';
import { ForbiddenError } from '../../lib/errors.js';
import { requireSiteAccess } from '../services/site-access.js';
import { authenticateAdmin } from './admin.js';
import { authenticate, authenticateToken } from './authenticate.js';
import { OPERATOR_ACTIONS, operatorMay, type OperatorAction, type SiteAction } from './permissions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route, read by its folder's guard. Unset: the folder's full check (a signed-in customer, or an
     * operator); `public`: nobody needs to sign in (the sign-in routes themselves); `token`: a customer access token
     * only, the route's single query checking the session (hot owner reads).
     */
    access?: 'public' | 'token';
    /** Site-scoped customer routes (a `:siteId` in the URL, required there): what the customer's role on the site must allow. */
    action?: SiteAction;
    /** Operator routes: what the operator's role must allow; unset means `support.work`, which every operator has. */
    operatorAction?: OperatorAction;
  }
  interface FastifyRequest {
    /** The site of a site-scoped customer route, after `customerGuard` checked the route's `action` against the permission table. */
    site: ISite;
  }
}

/**
 * onRoute hook of the customer folders: a route whose URL names a site (`:siteId`) must declare the permission
 * action it needs, and only such routes may; the app refuses to start otherwise.
 */
export function requireSiteAction(route: RouteOptions): void {
  const scoped = route.url.includes(':siteId');
  const action = route.config?.action;
  const where = `${String(route.method)} ${route.url}`;
  if (scoped && action === undefined) throw new Error(`${where} names a site but declares no permission action (config.action, see api/auth/permissions.ts)`);
  if (!scoped && action !== undefined) throw new Error(`${where} declares config.action but names no :siteId`);
  if (action !== undefined && route.config?.access !== undefined) throw new Error(`${where}: a site-scoped route needs the full sign-in check, not access '${route.config.access}'`);
}

/** preHandler of the customer folders (/customer, /tickets, /subscriptions): signs the customer in as the route asks, then checks its site action. */
export async function customerGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { access, action } = request.routeOptions.config;
  if (access === 'public') return;
  if (access === 'token') return authenticateToken(request, reply);
  await authenticate(request, reply);
  if (action !== undefined) {
    const { siteId } = request.params as { siteId: string };
    request.site = await requireSiteAccess(request.em, request.customer.id, siteId, action);
  }
}

/** preHandler of the operator folders (/admin): an operator's console session or the admin API token (the admin role), then the route's action. */
export async function operatorGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { access, operatorAction = 'support.work' } = request.routeOptions.config;
  if (access === 'public') return;
  await authenticateAdmin(request, reply);
  if (!operatorMay(request.operator?.role ?? 'admin', operatorAction)) {
    throw new ForbiddenError('admin_role_required', `Only operators with the admin role can ${OPERATOR_ACTIONS[operatorAction]}.`);
  }
}
