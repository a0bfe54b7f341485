/**
 * The paths of the portal's and console's pages (`:name` captures one id): the app routes on them in the browser and
 * the server answers 404 to any other path under `/account` and `/console`. No imports: the browser bundle includes it.
 */
export const PAGE_PATTERNS = [
  '/account', '/account/sign-in', '/account/forgot-password', '/account/reset-password', '/account/set-password', '/account/verify-email',
  '/account/welcome', '/account/profile', '/account/subscription', '/account/edits', '/account/edits/:id', '/account/bookings',
  '/account/analytics', '/account/domain', '/account/support', '/account/support/:id', '/account/claim-cancelled',
  '/account/site-transfer', '/account/transfer', '/account/collaborators', '/account/invitation', '/account/privacy',
  '/console/sign-in', '/console', '/console/tickets/:id', '/console/needs-attention', '/console/statistics', '/console/search',
  '/console/customers/:id', '/console/sites/:id', '/console/queue', '/console/edit-requests', '/console/edit-requests/:id', '/console/reports',
  '/console/privacy', '/console/batches', '/console/batches/:id',
] as const;

/** A page path of the portal or console. */
export type PagePattern = (typeof PAGE_PATTERNS)[number];

/** The captured ids when `path` is a page of `pattern` (ids are UUIDs), or null. */
export function matchPage(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const segment = have[i] ?? '';
    if (part.startsWith(':')) {
      if (!/^[0-9a-f-]{36}$/.test(segment)) return null;
      params[part.slice(1)] = segment;
    } else if (part !== segment) return null;
  }
  return params;
}

/** Whether `path` is one of the pages. */
export function isPage(path: string): boolean {
  return PAGE_PATTERNS.some((pattern) => matchPage(pattern, path) !== null);
}
