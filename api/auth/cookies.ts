import type { FastifyRequest } from 'fastify';

/**
 * One cookie of the request. Cookies are parsed only by the few routes that read one (sign-in sessions and the
 * refresh token): the cookie plugin's parsing hook, which would run on every request, is off.
 */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header ? request.server.parseCookie(header)[name] : undefined;
}
