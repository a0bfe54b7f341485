import { useEffect, useState } from 'preact/hooks';
import { ApiError, ownerCall } from './api.js';
import { SitePage, type OwnedSite } from './account.js';
import { formatDate, formatMoney, humanize, Notice, PageTitle, StatusBadge, useAction, useFocusOnMount, useLoad } from './ui.js';

interface SubscriptionStatus {
  status: string;
  amount: number;
  currency: string;
  current_period_end: string | null;
  next_billing_date: string | null;
  grace_ends_at: string | null;
  cancel_at_period_end: boolean;
  cancelled_at: string | null;
  last_payment_failure: string | null;
  needs_activation: boolean;
}

interface PaymentHistory {
  payments: {
    id: string;
    receipt_number: string;
    kind: string;
    status: string;
    amount: number;
    currency: string;
    failure_reason: string | null;
    paid_at: string | null;
    recorded_at: string;
  }[];
}

/** Billing of one site (`/account/subscription?site_id=`, the page the billing emails link to). */
export function BillingPage(props: { url: URL }) {
  return (
    <SitePage url={props.url}>{(site) => <Billing key={site.site_id} site={site} returned={props.url.searchParams.has('activated')} />}</SitePage>
  );
}

function Billing(props: { site: OwnedSite; returned: boolean }) {
  const { site } = props;
  const status = useLoad(() => ownerCall<SubscriptionStatus>('GET', `/subscriptions/status?site_id=${site.site_id}`), [site.site_id]);
  const history = useLoad(() => ownerCall<PaymentHistory>('GET', `/customer/sites/${site.site_id}/payments`), [site.site_id]);
  const [notice, setNotice] = useState<string | null>(props.returned ? 'Thank you — your payment was received. Your subscription is updated in a moment.' : null);
  const action = useAction();

  // After returning from the checkout, the provider's webhook may still be on its way: look again a few times.
  useEffect(() => {
    if (!props.returned) return;
    const timers = [1500, 4000, 8000].map((ms) => window.setTimeout(() => {
      status.reload();
      history.reload();
    }, ms));
    return () => timers.forEach((timer) => window.clearTimeout(timer));
  }, [props.returned]);

  const toCheckout = (path: string) => action.run(async () => {
    const answer = await ownerCall<{ checkout_url: string | null }>('POST', path, { site_id: site.site_id });
    if (answer.checkout_url) {
      window.location.assign(answer.checkout_url);
      return;
    }
    setNotice('Your subscription continues; the cancellation is taken back.');
    status.reload();
  });
  const [confirming, setConfirming] = useState<CancelKind | null>(null);
  const cancel = (kind: CancelKind) => action.run(async () => {
    const before = status.data;
    const answer = await ownerCall<SubscriptionStatus>('POST', '/subscriptions/cancel', { site_id: site.site_id, at_period_end: kind === 'period_end' });
    setConfirming(null);
    setNotice(cancelledNotice(kind, site, before, answer));
    status.reload();
  });

  const s = status.data;
  const unavailable = status.error instanceof ApiError && status.error.code === 'subscription_unavailable';
  const lapsed = s && ['past_due', 'suspended', 'cancelled'].includes(s.status);
  return (
    <>
      <PageTitle>Billing — {site.site_title}</PageTitle>
      {notice && <Notice kind="success">{notice}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {status.error && !unavailable && <Notice kind="error">{status.error.message}</Notice>}
      {unavailable && <p>This site has no subscription to manage.</p>}
      {s && (
        <section aria-labelledby="subscription-heading" class="card">
          <h2 id="subscription-heading">Subscription</h2>
          <dl class="facts">
            <div><dt>Status</dt><dd><StatusBadge status={s.status} />{s.cancel_at_period_end && ' — ends with this period'}</dd></div>
            <div><dt>Monthly amount</dt><dd>{formatMoney(s.amount, s.currency)}</dd></div>
            <div><dt>Next billing date</dt><dd>{formatDate(s.next_billing_date)}</dd></div>
            {s.cancel_at_period_end && <div><dt>Online until</dt><dd>{formatDate(s.current_period_end)}</dd></div>}
            {s.grace_ends_at && <div><dt>Pay before</dt><dd>{formatDate(s.grace_ends_at)}</dd></div>}
          </dl>
          <SubscriptionNotices site={site} subscription={s} />
          <p class="actions">
            {s.needs_activation && <button type="button" disabled={action.busy} onClick={() => void toCheckout('/subscriptions/activate')}>Activate subscription</button>}
            {lapsed && <button type="button" disabled={action.busy} onClick={() => void toCheckout('/subscriptions/reactivate')}>{s.status === 'past_due' ? 'Update payment method' : 'Reactivate subscription'}</button>}
            {s.status === 'active' && s.cancel_at_period_end && <button type="button" disabled={action.busy} onClick={() => void toCheckout('/subscriptions/reactivate')}>Keep my subscription</button>}
            {!confirming && s.status === 'active' && !s.cancel_at_period_end && !s.needs_activation && <button type="button" class="secondary" disabled={action.busy} onClick={() => setConfirming('period_end')}>Cancel at period end</button>}
            {!confirming && (s.status === 'active' || s.status === 'past_due' || s.status === 'suspended') && <button type="button" class="danger" disabled={action.busy} onClick={() => setConfirming('now')}>Cancel now</button>}
          </p>
          {confirming && <ConfirmCancel kind={confirming} site={site} subscription={s} busy={action.busy} onConfirm={() => void cancel(confirming)} onKeep={() => setConfirming(null)} />}
        </section>
      )}
      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payment history</h2>
        {history.error && <Notice kind="error">{history.error.message}</Notice>}
        {history.data && history.data.payments.length === 0 && <p>No payments yet.</p>}
        {history.data && history.data.payments.length > 0 && (
          <PaymentList payments={history.data.payments} siteTitle={site.site_title} />
        )}
      </section>
    </>
  );
}

/** What the subscription's state means for the owner: a deadline to activate, a lapse, a cancellation, a handover. */
function SubscriptionNotices(props: { site: OwnedSite; subscription: SubscriptionStatus }) {
  const { site, subscription: s } = props;
  return (
    <>
      {s.status === 'pending_activation' && site.activation_deadline && (
        <Notice kind="info">Activate the subscription by <strong>{formatDate(site.activation_deadline)}</strong> to keep {site.site_title} online; after that date the site is suspended until it is activated.</Notice>
      )}
      {s.status === 'cancelled' && (
        <Notice kind="info">The subscription was cancelled{s.cancelled_at ? ` on ${formatDate(s.cancelled_at)}` : ''} and {site.site_title} is offline. Reactivate it to bring the site back; the new subscription is charged from that day.</Notice>
      )}
      {s.status === 'past_due' && <Notice kind="error">Your last payment did not go through{s.last_payment_failure ? ` (${s.last_payment_failure})` : ''}. Update your payment method to keep the site online.</Notice>}
      {s.status === 'active' && s.needs_activation && (
        <Notice kind="info">The previous owner’s payment keeps the site online until {formatDate(s.current_period_end)}. Activate the subscription in your name before then: your first period starts when theirs ends, so no day is paid twice.</Notice>
      )}
      {s.status === 'suspended' && <Notice kind="error">The site is suspended because the subscription was not paid. Reactivate it to bring the site back.</Notice>}
    </>
  );
}

/** How an owner cancels: when the paid period ends, or now. */
type CancelKind = 'period_end' | 'now';

/** What the owner is told once a cancellation is applied: what happened, and what it cost them. */
function cancelledNotice(kind: CancelKind, site: OwnedSite, before: SubscriptionStatus | null, answer: SubscriptionStatus): string {
  if (kind === 'period_end') {
    return `Your subscription ends on ${formatDate(answer.current_period_end)}. ${site.site_title} stays online until then and nothing more is charged. You can keep the subscription any time before that date.`;
  }
  const notRefunded = before && unusedDays(before) ? `, and the days until ${formatDate(before.current_period_end)} were not refunded` : '';
  return `Your subscription is cancelled. ${site.site_title} is offline now: visitors see a page saying it is no longer available. Nothing more will be charged${notRefunded}. We emailed you a confirmation.`;
}

/** True when cancelling now cuts a paid period short (those days are not refunded). */
function unusedDays(s: SubscriptionStatus): boolean {
  return s.status === 'active' && s.current_period_end !== null && Date.parse(s.current_period_end) > Date.now();
}

/** The question before a cancellation, naming what the owner loses and what stays, with the way back out. */
function ConfirmCancel(props: { kind: CancelKind; site: OwnedSite; subscription: SubscriptionStatus; busy: boolean; onConfirm: () => void; onKeep: () => void }) {
  const { kind, site, subscription: s } = props;
  const now = kind === 'now';
  const focus = useFocusOnMount<HTMLDivElement>();
  return (
    <div class="card confirm" role="alertdialog" aria-labelledby="confirm-cancel-heading" aria-describedby="confirm-cancel-what" tabIndex={-1} ref={focus}>
      <h3 id="confirm-cancel-heading">{now ? 'Cancel now and take the site offline?' : 'Cancel at the end of the paid period?'}</h3>
      <ul id="confirm-cancel-what">
        {now ? (
          <>
            <li><strong>{site.site_title} goes offline at once:</strong> visitors see a page saying the website is no longer available, and search engines drop it.</li>
            {site.custom_domain && <li>{site.custom_domain} stops showing your site.</li>}
            {unusedDays(s) && <li>You paid until {formatDate(s.current_period_end)}; <strong>the days left are not refunded.</strong></li>}
            <li>Nothing more will be charged.</li>
            <li>Your content is kept. To bring the site back you start a new subscription, charged from that day.</li>
          </>
        ) : (
          <>
            <li>{site.site_title} stays online until <strong>{formatDate(s.current_period_end)}</strong>, then goes offline.</li>
            <li>Nothing more will be charged.</li>
            <li>You can keep the subscription any time before that date.</li>
          </>
        )}
      </ul>
      <p class="actions">
        <button type="button" class={now ? 'danger-solid' : 'danger'} disabled={props.busy} onClick={props.onConfirm}>{now ? 'Yes, cancel now' : 'Yes, cancel at period end'}</button>
        <button type="button" class="secondary" disabled={props.busy} onClick={props.onKeep}>Keep my subscription</button>
      </p>
    </div>
  );
}

/** The site's payments, each with its receipt. */
function PaymentList(props: { payments: PaymentHistory['payments']; siteTitle: string }) {
  return (
    <ul class="payments">
      {props.payments.map((payment) => (
        <li key={payment.id} class="card">
          <p><strong>{formatMoney(payment.amount, payment.currency)}</strong> — {payment.kind === 'purchase' ? 'Website purchase' : 'Monthly subscription'} — <StatusBadge status={payment.status} /></p>
          <p>{formatDate(payment.paid_at ?? payment.recorded_at)}</p>
          <details>
            <summary>Receipt<span class="visually-hidden"> {payment.receipt_number}</span></summary>
            <dl class="facts receipt">
              <div><dt>Receipt number</dt><dd>{payment.receipt_number}</dd></div>
              <div><dt>Website</dt><dd>{props.siteTitle}</dd></div>
              <div><dt>Description</dt><dd>{payment.kind === 'purchase' ? 'Website purchase' : 'Monthly subscription'}</dd></div>
              <div><dt>Amount</dt><dd>{formatMoney(payment.amount, payment.currency)}</dd></div>
              <div><dt>Status</dt><dd>{humanize(payment.status)}{payment.failure_reason ? ` (${payment.failure_reason})` : ''}</dd></div>
              <div><dt>Date</dt><dd>{formatDate(payment.paid_at ?? payment.recorded_at)}</dd></div>
            </dl>
          </details>
        </li>
      ))}
    </ul>
  );
}
