import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CustomerRecordDto, SearchAnswerDto, SiteRecordDto } from '../../schemas/back-office.js';
import { consoleCall, type ConsoleSession } from './api.js';
import { ConsoleShell, workflowUiUrl } from './console.js';
import { AuditTrail, CustomerOwnership, SiteOwnership } from './ownership.js';
import { Field, formatDate, formatDateTime, formatMoney, humanize, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

type Payment = CustomerRecordDto['payments'][number];
type Note = CustomerRecordDto['notes'][number];
type Subscription = NonNullable<CustomerRecordDto['sites'][number]['subscription']>;

const money = (cents: number, currency: string) => formatMoney(cents / 100, currency);

/** A titled part of a record page; says so plainly when it has nothing to show. */
function Section(props: { id: string; title: string; empty?: string | false; children?: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id} class="record-section">
      <h2 id={props.id}>{props.title}</h2>
      {props.empty ? <p class="muted">{props.empty}</p> : props.children}
    </section>
  );
}

/** A scrollable table with a caption for screen readers. */
function Table(props: { label: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={props.label}>
      <table>
        <caption class="visually-hidden">{props.label}</caption>
        <thead><tr>{props.head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** The search results page: what the header's search box found, grouped by kind. */
export function SearchPage(props: { url: URL }) {
  const query = props.url.searchParams.get('q') ?? '';
  return <ConsoleShell url={props.url}>{() => <SearchResults query={query} />}</ConsoleShell>;
}

function SearchResults(props: { query: string }) {
  const { data, error } = useLoad(() => consoleCall<SearchAnswerDto>('GET', `/admin/search?q=${encodeURIComponent(props.query)}`), [props.query]);
  const total = data ? data.customers.length + data.sites.length + data.payments.length + data.tickets.length : 0;
  return (
    <>
      <PageTitle>Search</PageTitle>
      {error && <Notice kind="error">{error.message}</Notice>}
      {!data && !error && <p>Searching…</p>}
      {data && <p class="muted" role="status">{total === 0 ? `Nothing matches “${data.query}”.` : `Results for “${data.query}”.`}</p>}
      {data && data.customers.length > 0 && (
        <Section id="found-customers" title={`Customers (${data.customers.length})`}>
          <ul class="results">{data.customers.map((c) => (
            <li key={c.id}><a href={`/console/customers/${c.id}`}>{c.full_name}</a><span class="muted">{c.email} · {c.sites === 1 ? '1 site' : `${c.sites} sites`}</span></li>
          ))}</ul>
        </Section>
      )}
      {data && data.sites.length > 0 && (
        <Section id="found-sites" title={`Sites (${data.sites.length})`}>
          <ul class="results">{data.sites.map((s) => (
            <li key={s.id}><a href={`/console/sites/${s.id}`}>{s.title}</a><span class="muted">{s.slug} · {s.business_name}{s.custom_domain ? ` · ${s.custom_domain}` : ''}{s.matched_domain && s.matched_domain !== s.custom_domain ? ` · verifying ${s.matched_domain}` : ''}</span> <StatusBadge status={s.status} /></li>
          ))}</ul>
        </Section>
      )}
      {data && data.payments.length > 0 && (
        <Section id="found-payments" title={`Payments (${data.payments.length})`}>
          <ul class="results">{data.payments.map((p) => (
            <li key={p.id}>
              <a href={`/console/sites/${p.site_id}`}><code>{p.provider_payment_id}</code></a>
              <span class="muted">{humanize(p.kind)} of {money(p.amount_cents, p.currency)} for {p.site_slug} · {formatDate(p.created_at)}{p.customer_email ? ' · ' : ''}{p.customer_id && <a href={`/console/customers/${p.customer_id}`}>{p.customer_email}</a>}</span> <StatusBadge status={p.status} />
            </li>
          ))}</ul>
        </Section>
      )}
      {data && data.tickets.length > 0 && (
        <Section id="found-tickets" title={`Tickets (${data.tickets.length})`}>
          <ul class="results">{data.tickets.map((t) => (
            <li key={t.id}><a href={`/console/tickets/${t.id}`}>{t.subject}</a><span class="muted">{t.site_slug} · <a href={`/console/customers/${t.customer_id}`}>{t.customer_email}</a> · {formatDate(t.created_at)}</span> <StatusBadge status={t.status} /></li>
          ))}</ul>
        </Section>
      )}
    </>
  );
}

/** A subscription in one line: status, price and the date that matters next. */
function SubscriptionSummary(props: { subscription: Subscription | null }) {
  const s = props.subscription;
  if (!s) return <span class="muted">No subscription</span>;
  const next = s.cancel_at_period_end ? `ends ${formatDate(s.current_period_end)}` : s.grace_ends_at ? `grace until ${formatDate(s.grace_ends_at)}` : s.current_period_end ? `renews ${formatDate(s.current_period_end)}` : null;
  return <><StatusBadge status={s.status} /> <span>{money(s.amount_cents, s.currency)}/month{next ? ` · ${next}` : ''}</span></>;
}

/** Payments newest first; refunds are the ones marked refunded. */
function PaymentsTable(props: { payments: Payment[]; showSite: boolean }) {
  return (
    <Table label="Payments and refunds" head={['Payment', ...(props.showSite ? ['Site'] : []), 'Status']}>
      {props.payments.map((p) => (
        <tr key={p.id}>
          <td>{money(p.amount_cents, p.currency)} · {humanize(p.kind)}<span class="muted cell-note">{formatDate(p.paid_at ?? p.created_at)} · <code>{p.provider_payment_id}</code></span></td>
          {props.showSite && <td><a href={`/console/sites/${p.site_id}`}>{p.site_slug}</a></td>}
          <td><StatusBadge status={p.status} />{p.failure_reason && <span class="muted cell-note">{p.failure_reason}</span>}</td>
        </tr>
      ))}
    </Table>
  );
}

/** One customer for an operator: profile, sessions, sites, money, support and email history. */
export function CustomerPage(props: { url: URL; id: string }) {
  return <ConsoleShell url={props.url}>{(session) => <CustomerRecord id={props.id} session={session} />}</ConsoleShell>;
}

function CustomerRecord(props: { id: string; session: ConsoleSession }) {
  const { data, error, reload } = useLoad(() => consoleCall<CustomerRecordDto>('GET', `/admin/customers/${props.id}`), [props.id]);
  if (error) return <><PageTitle>Customer</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  const refunds = data.payments.filter((p) => p.status === 'refunded').length;
  return (
    <>
      <PageTitle>{data.full_name}</PageTitle>
      <dl class="facts">
        <div><dt>Email</dt><dd>{data.email}</dd></div>
        <div><dt>Email confirmed</dt><dd>{data.email_verified_at ? <>Yes, {formatDate(data.email_verified_at)}</> : <span class="badge badge-pending">Not confirmed</span>}</dd></div>
        <div><dt>Phone</dt><dd>{data.phone ?? '—'}</dd></div>
        <div><dt>Account</dt><dd>{data.is_active ? 'Active' : <span class="badge badge-suspended">Deactivated</span>}</dd></div>
        <div><dt>Customer since</dt><dd>{formatDate(data.created_at)}</dd></div>
        <div><dt>Last sign-in</dt><dd>{formatDateTime(data.last_login_at)}</dd></div>
      </dl>
      <Sessions customer={data} session={props.session} onRevoked={reload} />
      <Section id="customer-sites" title="Sites" empty={data.sites.length === 0 && 'This customer has no sites.'}>
        <Table label="Sites of this customer" head={['Site', 'Role', 'Site status', 'Subscription']}>
          {data.sites.map((s) => (
            <tr key={s.id}>
              <td><a href={`/console/sites/${s.id}`}>{s.title}</a><span class="muted cell-note">{s.slug}{s.is_primary ? ' · primary' : ''}</span></td>
              <td>{humanize(s.role)}</td>
              <td><StatusBadge status={s.status} /></td>
              <td><SubscriptionSummary subscription={s.subscription} /></td>
            </tr>
          ))}
        </Table>
      </Section>
      <Section id="customer-payments" title={`Payments and refunds${refunds > 0 ? ` (${refunds} refunded)` : ''}`} empty={data.payments.length === 0 && 'No payments yet.'}>
        <PaymentsTable payments={data.payments} showSite />
      </Section>
      <CustomerSupport customer={data} />
      <CustomerOwnership customer={data} session={props.session} onChanged={reload} />
      <AuditTrail id="customer-audit" entries={data.audit} />
      <Notes key={data.id} path={`/admin/customers/${data.id}/notes`} notes={data.notes} />
    </>
  );
}

/** The customer's live sessions; an admin may end one (the whole refresh-token family). */
function Sessions(props: { customer: CustomerRecordDto; session: ConsoleSession; onRevoked: () => void }) {
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const isAdmin = props.session.operator.role === 'admin';
  const revoke = (id: string) => action.run(async () => {
    await consoleCall('POST', `/admin/customers/${props.customer.id}/sessions/${id}/revoke`);
    setNotice('The session was ended; that device must sign in again.');
    props.onRevoked();
  });
  return (
    <Section id="customer-sessions" title="Signed-in sessions">
      {notice && <Notice kind="success">{notice}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {props.customer.sessions.length === 0 ? <p class="muted">No device is signed in.</p> : (
        <ul class="records">{props.customer.sessions.map((s) => (
          <li key={s.id} class="card session">
            <p>Signed in {formatDateTime(s.started_at)}<span class="muted cell-note">Last refreshed {formatDateTime(s.last_refreshed_at)} · expires {formatDate(s.expires_at)}</span></p>
            {isAdmin && <button type="button" class="danger" disabled={action.busy} onClick={() => void revoke(s.id)}>Revoke<span class="visually-hidden"> the session signed in {formatDateTime(s.started_at)}</span></button>}
          </li>
        ))}</ul>
      )}
      {!isAdmin && props.customer.sessions.length > 0 && <p class="muted">Only admins can end a customer's sessions.</p>}
    </Section>
  );
}

/** Tickets, edit requests and the emails sent to the customer. */
function CustomerSupport(props: { customer: CustomerRecordDto }) {
  const { tickets, edit_requests: edits, emails } = props.customer;
  return (
    <>
      <Section id="customer-tickets" title="Tickets" empty={tickets.length === 0 && 'No tickets.'}>
        <ul class="results">{tickets.map((t) => (
          <li key={t.id}><a href={`/console/tickets/${t.id}`}>{t.subject}</a><span class="muted">{t.site_slug} · {humanize(t.priority)} priority · {formatDate(t.created_at)}</span> <StatusBadge status={t.status} /></li>
        ))}</ul>
      </Section>
      <Section id="customer-edits" title="Edit requests" empty={edits.length === 0 && 'No edit requests.'}>
        <ul class="results">{edits.map((e) => (
          <li key={e.id}><span class="clamp">{e.request_text}</span><span class="muted"><a href={`/console/sites/${e.site_id}`}>{e.site_slug}</a> · {formatDate(e.created_at)}</span> <StatusBadge status={e.status} /></li>
        ))}</ul>
      </Section>
      <Section id="customer-emails" title="Emails sent" empty={emails.length === 0 && 'No emails sent to this address.'}>
        <Table label="Emails sent to this customer" head={['Email', 'Status', 'When']}>
          {emails.map((m) => (
            <tr key={m.id}><td>{humanize(m.template)}</td><td><StatusBadge status={m.status} />{m.error && <span class="muted cell-note">{m.error}</span>}</td><td>{formatDateTime(m.sent_at ?? m.created_at)}</td></tr>
          ))}
        </Table>
      </Section>
    </>
  );
}

/** One site for an operator: people, workflows, money, domain, versions, bookings and visits. */
export function SitePage(props: { url: URL; id: string }) {
  return <ConsoleShell url={props.url}>{(session) => <SiteRecord id={props.id} session={session} />}</ConsoleShell>;
}

const WORKFLOW_NAMES: Record<string, string> = { claim: 'Claim', subscription: 'Subscription', domain: 'Custom domain', transfer: 'Transfer' };

function SiteRecord(props: { id: string; session: ConsoleSession }) {
  const { data, error, reload } = useLoad(() => consoleCall<SiteRecordDto>('GET', `/admin/sites/${props.id}`), [props.id]);
  if (error) return <><PageTitle>Site</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  return (
    <>
      <PageTitle>{data.title}</PageTitle>
      <dl class="facts">
        <div><dt>Address</dt><dd><a href={data.site_url} target="_blank" rel="noopener noreferrer">{data.site_url.replace(/^https?:\/\//, '')}<span class="visually-hidden"> (opens in a new tab)</span></a></dd></div>
        <div><dt>Status</dt><dd><StatusBadge status={data.status} /></dd></div>
        <div><dt>Business</dt><dd>{data.business.name} · {humanize(data.business.category)}{data.business.city ? ` · ${data.business.city}` : ''}</dd></div>
        <div><dt>Business contact</dt><dd>{[data.business.phone, data.business.email].filter(Boolean).join(' · ') || '—'}</dd></div>
        <div><dt>Bought</dt><dd>{formatDate(data.purchased_at)}</dd></div>
        <div><dt>Live version</dt><dd>{data.current_version ?? '—'}</dd></div>
      </dl>
      <Section id="site-workflows" title="Workflows in the Temporal UI">
        <ul class="results">{data.workflows.map((w) => (
          <li key={w.workflow_id}><a href={workflowUiUrl(props.session, w.workflow_id)} target="_blank" rel="noopener noreferrer">{WORKFLOW_NAMES[w.kind] ?? humanize(w.kind)} workflow<span class="visually-hidden"> in the Temporal UI (opens in a new tab)</span></a><span class="muted"><code>{w.workflow_id}</code></span></li>
        ))}</ul>
      </Section>
      <Section id="site-people" title="Owner and collaborators" empty={data.people.length === 0 && 'Nobody owns this site yet.'}>
        <ul class="results">{data.people.map((p) => (
          <li key={p.customer_id}><a href={`/console/customers/${p.customer_id}`}>{p.full_name}</a><span class="muted">{p.email} · {humanize(p.role)} since {formatDate(p.acquired_at)}</span></li>
        ))}</ul>
      </Section>
      <Section id="site-subscription" title="Subscription"><p><SubscriptionSummary subscription={data.subscription} /></p>
        {data.subscription?.last_payment_failure && <p class="muted">Last charge failed: {data.subscription.last_payment_failure}</p>}
      </Section>
      <Section id="site-payments" title="Payments and refunds" empty={data.payments.length === 0 && 'No payments yet.'}>
        <PaymentsTable payments={data.payments} showSite={false} />
      </Section>
      <SiteOwnership site={data} session={props.session} onChanged={reload} />
      <AuditTrail id="site-audit" entries={data.audit} />
      <SiteOperations site={data} />
      <Notes key={data.id} path={`/admin/sites/${data.id}/notes`} notes={data.notes} />
    </>
  );
}

/** The site's domain checks, versions, bookings and 30-day visits. */
function SiteOperations(props: { site: SiteRecordDto }) {
  const { site } = props;
  const a = site.analytics;
  return (
    <>
      <Section id="site-analytics" title={`Last ${a.days} days`}>
        <ul class="stats kpis">
          {[['Visitors', a.visitors], ['Page views', a.page_views], ['Bookings', a.bookings], ['Purchases', a.purchases]].map(([label, value]) => (
            <li key={label} class="card stat"><h3>{label}</h3><p class="figure">{value}</p></li>
          ))}
        </ul>
      </Section>
      <Section id="site-domain" title={site.custom_domain ? `Domain: ${site.custom_domain}` : 'Domain'} empty={site.domain_checks.length === 0 && 'No custom domain has been connected.'}>
        <Table label="Domain checks, newest first" head={['Domain', 'Status', 'Last checked', 'Verified']}>
          {site.domain_checks.map((d) => (
            <tr key={d.id}><td>{d.domain}</td><td><StatusBadge status={d.status} />{d.missing_since && <span class="muted cell-note">records missing since {formatDateTime(d.missing_since)}</span>}</td><td>{formatDateTime(d.checked_at)}</td><td>{formatDate(d.verified_at)}</td></tr>
          ))}
        </Table>
      </Section>
      <Section id="site-bookings" title={`Bookings (${site.bookings.total})`} empty={site.bookings.total === 0 && 'No bookings yet.'}>
        <ul class="results">{site.bookings.recent.map((b) => (
          <li key={b.id}>{b.name}<span class="muted">{humanize(b.kind)} · {formatDateTime(b.created_at)}</span> <StatusBadge status={b.status} /></li>
        ))}</ul>
      </Section>
      <Section id="site-versions" title="Versions" empty={site.versions.length === 0 && 'No versions.'}>
        <Table label="Versions, newest first" head={['Version', 'By', 'Change', 'Published']}>
          {site.versions.map((v) => (
            <tr key={v.number}><td>{v.number}{v.number === site.current_version && <span class="badge badge-live">live</span>}</td><td>{humanize(v.created_by)}</td><td>{v.change_summary ?? '—'}</td><td>{v.discarded_at ? 'Discarded' : formatDate(v.published_at)}</td></tr>
          ))}
        </Table>
      </Section>
    </>
  );
}

/** Operator notes on a customer or a site: newest first, and a form to leave one. */
function Notes(props: { path: string; notes: Note[] }) {
  const [notes, setNotes] = useState(props.notes);
  const [body, setBody] = useState('');
  const action = useAction();
  const save = () => action.run(async () => {
    const note = await consoleCall<Note>('POST', props.path, { body });
    setNotes([note, ...notes]);
    setBody('');
  });
  return (
    <Section id="record-notes" title="Operator notes">
      {notes.length === 0 ? <p class="muted">No notes yet.</p> : (
        <ul class="records">{notes.map((n) => (
          <li key={n.id} class="card note"><p class="message-body">{n.body}</p><p class="muted cell-note">{n.author_name} · {formatDateTime(n.created_at)}</p></li>
        ))}</ul>
      )}
      <form onSubmit={onSubmit(save)}>
        {action.error && <Notice kind="error">{action.error.message}</Notice>}
        <Field id="note-body" label="Add a note" multiline required value={body} onInput={setBody} hint="Visible to every operator, never to the customer." />
        <button type="submit" disabled={action.busy || body.trim() === ''}>Save note</button>
      </form>
    </Section>
  );
}
