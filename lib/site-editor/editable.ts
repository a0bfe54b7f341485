/** Subscription states in which a site may be edited: paid, or failed but still in grace. */
export const EDITABLE_SUBSCRIPTIONS: readonly string[] = ['active', 'past_due'];

/** Why the site cannot be edited now, or null when it can. */
export function notEditableReason(site: { status: string; subscriptionStatus: string }): string | null {
  if (site.status === 'suspended' || site.status === 'cancelled') return `the site is ${site.status}`;
  if (!EDITABLE_SUBSCRIPTIONS.includes(site.subscriptionStatus)) return 'editing needs an active subscription';
  return null;
}
