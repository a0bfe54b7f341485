import type { OWNERSHIP_ROLES } from '../../db/entities/customer-site-ownership.entity.js';
import type { OPERATOR_ROLES } from '../../db/entities/operator.entity.js';

/** A customer's role on one site (customer_site_ownership.role). */
export type SiteRole = (typeof OWNERSHIP_ROLES)[number];

/** An operator's role (operators.role); the admin API token counts as `admin`. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** What a customer may do on one site, each with the sentence the README table and a refusal use. */
export const SITE_ACTIONS = {
  'site.read': 'see the site, its versions and its edit requests',
  'site.primary': 'make the site their primary site',
  'analytics.read': 'read the site’s analytics',
  'bookings.read': 'read the site’s bookings and contact requests',
  'bookings.update': 'mark the site’s bookings',
  'tickets.open': 'open support tickets about the site',
  'edits.request': 'ask for a change to the site',
  'edits.decide': 'approve or reject an edit, or put an older version live again',
  'billing.manage': 'manage the site’s subscription and read its payments',
  'domain.manage': 'connect, check or remove the site’s custom domain',
  'site.transfer': 'transfer the site to someone else',
  'site.remove': 'remove the site',
  'collaborators.manage': 'invite or remove the site’s collaborators',
} as const;

/** One thing a customer may do on a site. */
export type SiteAction = keyof typeof SITE_ACTIONS;

/**
 * The site permission table. Collaborators read (analytics, bookings, versions, edit requests) and open tickets;
 * everything that changes the site, costs money or changes who can reach it is the owner's. Edits are the owner's
 * too: a request makes a new version and only the owner decides whether it goes live (a collaborator asks through
 * a support ticket, which an agent turns into an edit for the owner's approval).
 */
export const SITE_PERMISSIONS: Readonly<Record<SiteRole, readonly SiteAction[]>> = {
  owner: Object.keys(SITE_ACTIONS) as SiteAction[],
  collaborator: ['site.read', 'site.primary', 'analytics.read', 'bookings.read', 'tickets.open'],
};

/** What an operator may do, each with the sentence the README table and a refusal use. */
export const OPERATOR_ACTIONS = {
  'support.work': 'work the support queue: tickets, edit drafts, preview sites, webhook events, needs-attention cases',
  'analytics.site': 'read one site’s analytics dashboard',
  'analytics.platform': 'read platform-wide analytics and A/B test results',
  'experiments.manage': 'create, start and stop A/B tests',
  'money.read': 'read purchase, revenue and subscription statistics',
  'reports.read': 'read and download the business reports: adoption, revenue, MRR, churn, cohorts, owners who never activated',
  'money.manage': 'refund payments and change what a site costs',
  'ownership.manage': 'change who owns a site',
  'accounts.manage': 'end a customer’s login sessions',
} as const;

/** One thing an operator may do. */
export type OperatorAction = keyof typeof OPERATOR_ACTIONS;

/** The operator permission table: agents work the support queue; platform-wide figures, experiments and money are the admins'. */
export const OPERATOR_PERMISSIONS: Readonly<Record<OperatorRole, readonly OperatorAction[]>> = {
  admin: Object.keys(OPERATOR_ACTIONS) as OperatorAction[],
  agent: ['support.work', 'analytics.site'],
};

/** Whether a customer holding `role` on a site may do `action` there. */
export function siteRoleMay(role: SiteRole, action: SiteAction): boolean {
  return SITE_PERMISSIONS[role].includes(action);
}

/** The site roles that may do `action`. */
export function siteRolesFor(action: SiteAction): SiteRole[] {
  return (Object.keys(SITE_PERMISSIONS) as SiteRole[]).filter((role) => siteRoleMay(role, action));
}

/** Whether an operator with `role` may do `action`. */
export function operatorMay(role: OperatorRole, action: OperatorAction): boolean {
  return OPERATOR_PERMISSIONS[role].includes(action);
}

function tableOf<Role extends string, Action extends string>(actions: Record<Action, string>, permissions: Readonly<Record<Role, readonly Action[]>>): string {
  const roles = Object.keys(permissions) as Role[];
  const rows = (Object.keys(actions) as Action[]).map((action) =>
    `| \`${action}\` | ${actions[action]} | ${roles.map((role) => (permissions[role].includes(action) ? '✓' : '—')).join(' | ')} |`);
  return [`| action | what it allows | ${roles.join(' | ')} |`, `| --- | --- | ${roles.map(() => '---').join(' | ')} |`, ...rows].join('\n');
}

/** The permission tables as Markdown, as the README shows them (`node --import tsx dev/permissions-table.ts` writes them). */
export function permissionTables(): string {
  return `Customers, per site:\n\n${tableOf(SITE_ACTIONS, SITE_PERMISSIONS)}\n\nOperators:\n\n${tableOf(OPERATOR_ACTIONS, OPERATOR_PERMISSIONS)}`;
}
