import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EditRequestDto, PhotoDto, TicketDto } from '../../schemas/answers.js';
import { adoptConsoleSession, consoleCall, loadConsoleSession, type ConsoleSession } from './api.js';
import { thumbnailUrl } from './photos.js';
import { navigate } from './router.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { Field, fieldError, FormError, formatDateTime, humanize, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

/** A ticket as the agent endpoints answer it: the owner's view plus the AI's draft and the action trail. */
interface AgentTicket extends TicketDto {
  ai_draft?: string | null;
  actions?: { action: string; actor: string; detail: string | null; created_at: string }[];
}

/** Where a ticket stands against its first-answer deadline. */
export function slaState(ticket: Pick<AgentTicket, 'status' | 'sla_due_at' | 'escalated_at'>, now = Date.now()): { label: string; kind: string } {
  if (ticket.status !== 'awaiting_agent' || !ticket.sla_due_at) return { label: 'No deadline', kind: 'none' };
  const left = Date.parse(ticket.sla_due_at) - now;
  if (left <= 0 || ticket.escalated_at) return { label: 'Overdue', kind: 'overdue' };
  if (left < 3_600_000) return { label: `Due in ${Math.ceil(left / 60_000)} min`, kind: 'soon' };
  return { label: `Due ${formatDateTime(ticket.sla_due_at)}`, kind: 'ok' };
}

/** The Temporal Web UI page of a workflow. */
export function workflowUiUrl(session: ConsoleSession, workflowId: string): string {
  return `${session.temporal_ui_url}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The console's one search box, in the header of every console page; it opens the results page. */
function SearchBox(props: { url: URL }) {
  const [query, setQuery] = useState(props.url.pathname === '/console/search' ? props.url.searchParams.get('q') ?? '' : '');
  return (
    <form role="search" class="console-search" onSubmit={(event) => {
      event.preventDefault();
      navigate(`/console/search?q=${encodeURIComponent(query.trim())}`);
    }}>
      <label for="console-search" class="visually-hidden">Search customers, sites, payments and tickets</label>
      <input id="console-search" name="q" type="search" placeholder="Email, name, site, domain or id" maxLength={FIELD_LIMITS.search.max} value={query}
        onInput={(event) => setQuery(event.currentTarget.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

/** The navigation's link to the work queue, with how many items wait (and how many are overdue). */
function WorkQueueLink(props: { current: 'page' | undefined }) {
  const { data } = useLoad(() => consoleCall<{ count: number; overdue: number }>('GET', '/admin/work-queue/count'), []);
  const words = data ? `${data.count} waiting${data.overdue > 0 ? `, ${data.overdue} overdue` : ''}` : '';
  return (
    <a href="/console/queue" aria-current={props.current}>
      Work queue{data && <> <span class={`count${data.overdue > 0 ? ' count-overdue' : ''}`} aria-hidden="true">{data.count}</span><span class="visually-hidden"> ({words})</span></>}
    </a>
  );
}

/** Console pages: checks the operator's session and sends signed-out visitors to the console sign-in. */
export function ConsoleShell(props: { url: URL; children: (session: ConsoleSession) => ComponentChildren }) {
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  useEffect(() => {
    loadConsoleSession().then(setSession, () => setSession(null));
  }, []);
  useEffect(() => {
    if (session === null) navigate(`/console/sign-in?next=${encodeURIComponent(props.url.pathname)}`, true);
  }, [session]);
  const current = (path: string) => (props.url.pathname === path || props.url.pathname.startsWith(`${path}/`) ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar console">
        <a class="brand" href="/console">WebMagic console</a>
        {session && <SearchBox url={props.url} />}
        <nav aria-label="Console">
          <ul>
            <li><WorkQueueLink current={current('/console/queue')} /></li>
            <li><a href="/console" aria-current={props.url.pathname === '/console' || props.url.pathname.startsWith('/console/tickets/') ? 'page' : undefined}>Ticket queue</a></li>
            <li><a href="/console/edit-requests" aria-current={current('/console/edit-requests')}>Edit requests</a></li>
            <li><a href="/console/needs-attention" aria-current={current('/console/needs-attention')}>Needs attention</a></li>
            <li><a href="/console/batches" aria-current={current('/console/batches')}>Preview batches</a></li>
            {session?.operator.role === 'admin' && <li><a href="/console/statistics" aria-current={current('/console/statistics')}>Statistics</a></li>}
            {session?.operator.role === 'admin' && <li><a href="/console/reports" aria-current={current('/console/reports')}>Reports</a></li>}
            {session?.operator.role === 'admin' && <li><a href="/console/privacy" aria-current={current('/console/privacy')}>Privacy</a></li>}
            {session && <li><button type="button" class="link-button" onClick={() => {
              void consoleCall('DELETE', '/admin/session').finally(() => {
                adoptConsoleSession(null);
                navigate('/console/sign-in', true);
              });
            }}>Sign out {session.operator.name}</button></li>}
          </ul>
        </nav>
      </header>
      <main id="main" class="console-main">{session ? props.children(session) : <p>Loading…</p>}</main>
    </>
  );
}

/** The operators' sign-in. */
export function ConsoleSignInPage(props: { url: URL }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = () => action.run(async () => {
    adoptConsoleSession(await consoleCall<ConsoleSession>('POST', '/admin/session', { email, password }));
    const next = props.url.searchParams.get('next');
    navigate(next && /^\/console(\/|$)/.test(next) ? next : '/console', true);
  });
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar console"><span class="brand">WebMagic console</span></header>
      <main id="main" class="narrow">
        <PageTitle>Agent sign in</PageTitle>
        <FormError error={action.error} fields={['email', 'password']} />
        <form onSubmit={onSubmit(submit)}>
          <Field id="email" label="Email address" type="email" autoComplete="username" required maxLength={FIELD_LIMITS.email} value={email} onInput={setEmail} error={fieldError(action.error, 'email')} />
          <Field id="password" label="Password" type="password" autoComplete="current-password" required maxLength={FIELD_LIMITS.password.max} value={password} onInput={setPassword} error={fieldError(action.error, 'password')} />
          <button type="submit" disabled={action.busy}>Sign in</button>
        </form>
      </main>
    </>
  );
}

const QUEUES = ['awaiting_agent', 'awaiting_customer', 'open', 'resolved', 'closed'];
const QUEUE_LABELS: Record<string, string> = { open: 'Open (everything not resolved or closed)' };

/** The ticket queue, most urgent deadline first, with each ticket's SLA state. */
export function QueuePage(props: { url: URL }) {
  const status = props.url.searchParams.get('status') ?? 'awaiting_agent';
  return (
    <ConsoleShell url={props.url}>
      {() => <Queue status={QUEUES.includes(status) ? status : 'awaiting_agent'} />}
    </ConsoleShell>
  );
}

function Queue(props: { status: string }) {
  const { data, error } = useLoad(() => consoleCall<{ tickets: AgentTicket[] }>('GET', `/admin/tickets?status=${props.status}`), [props.status]);
  return (
    <>
      <PageTitle>Ticket queue</PageTitle>
      <div class="field inline">
        <label for="queue-status">Show tickets</label>
        <select id="queue-status" value={props.status} onChange={(event) => navigate(`/console?status=${event.currentTarget.value}`)}>
          {QUEUES.map((q) => <option key={q} value={q}>{QUEUE_LABELS[q] ?? humanize(q)}</option>)}
        </select>
      </div>
      {error && <Notice kind="error">{error.message}</Notice>}
      {data && data.tickets.length === 0 && <p>No tickets here.</p>}
      {data && data.tickets.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Tickets">
          <table class="stack">
            <caption class="visually-hidden">Tickets, most urgent first</caption>
            <thead><tr><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Site</th><th scope="col">Priority</th><th scope="col">SLA</th><th scope="col">Assigned</th></tr></thead>
            <tbody>
              {data.tickets.map((ticket) => {
                const sla = slaState(ticket);
                return (
                  <tr key={ticket.id}>
                    <td data-label="Subject"><a href={`/console/tickets/${ticket.id}`}>{ticket.subject}</a></td>
                    <td data-label="Status"><StatusBadge status={ticket.status} /></td>
                    <td data-label="Site">{ticket.site_slug}</td>
                    <td data-label="Priority">{humanize(ticket.priority)}</td>
                    <td data-label="SLA"><span class={`sla sla-${sla.kind}`}>{sla.label}</span></td>
                    <td data-label="Assigned">{ticket.assigned_to ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** One ticket for an agent: thread, the AI's draft and confidence, reply / assign / resolve, Temporal UI link. */
export function ConsoleTicketPage(props: { url: URL; id: string }) {
  return <ConsoleShell url={props.url}>{(session) => <AgentThread id={props.id} session={session} />}</ConsoleShell>;
}

/** The facts an agent works a ticket by: who asked and for which business, status, triage, SLA and assignee. */
function TicketFacts({ ticket }: { ticket: AgentTicket }) {
  const sla = slaState(ticket);
  return (
    <dl class="facts">
      {ticket.customer && (
        <div><dt>Customer</dt><dd><a href={`/console/customers/${ticket.customer.id}`}>{ticket.customer.name}</a><br /><a href={`mailto:${ticket.customer.email}`} class="email">{ticket.customer.email}</a></dd></div>
      )}
      <div><dt>Business</dt><dd><a href={`/console/sites/${ticket.site_id}`}>{ticket.business_name ?? ticket.site_slug}</a><br /><span class="muted">{ticket.site_slug}</span></dd></div>
      <div><dt>Status</dt><dd><StatusBadge status={ticket.status} /></dd></div>
      {ticket.domain_check_requested_at && <div><dt>Domain check asked</dt><dd>{formatDateTime(ticket.domain_check_requested_at)}</dd></div>}
      <div><dt>Category</dt><dd>{ticket.category ? humanize(ticket.category) : 'Not triaged'}</dd></div>
      {(ticket.edit_requests ?? []).map((edit) => (
        <div key={edit.id}><dt>Change request</dt><dd><a href={`/console/edit-requests/${edit.id}`}>Open the change request</a> <StatusBadge status={edit.status} /></dd></div>
      ))}
      <div><dt>Priority</dt><dd>{humanize(ticket.priority)}</dd></div>
      <div><dt>AI confidence</dt><dd>{ticket.ai_confidence === null ? '—' : `${Math.round(ticket.ai_confidence * 100)} %`}</dd></div>
      <div><dt>SLA</dt><dd><span class={`sla sla-${sla.kind}`}>{sla.label}</span></dd></div>
      <div><dt>Assigned to</dt><dd>{ticket.assigned_to ?? '—'}</dd></div>
    </dl>
  );
}

/** Who wrote a message, as people name them: the customer's name, the agent's name, the AI assistant. */
export function authorLabel(message: { author_type: string; author_name?: string | null }, customerName: string | null | undefined): string {
  switch (message.author_type) {
    case 'customer': return customerName ?? 'The customer';
    case 'agent': return message.author_name ? `${message.author_name} (WebMagic team)` : 'WebMagic team';
    case 'ai': return 'AI assistant';
    default: return 'WebMagic (automatic message)';
  }
}

function AgentThread(props: { id: string; session: ConsoleSession }) {
  const { data, error, reload } = useLoad(() => consoleCall<AgentTicket>('GET', `/admin/tickets/${props.id}`), [props.id]);
  const [reply, setReply] = useState('');
  const [agent, setAgent] = useState(props.session.operator.name);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  if (error) return <><PageTitle>Ticket</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  const open = data.status !== 'resolved' && data.status !== 'closed';
  const workflowUrl = workflowUiUrl(props.session, `ticket:${data.id}`);
  const after = (message: string) => {
    setNotice(message);
    window.setTimeout(reload, 800);
  };
  const send = () => action.run(async () => {
    await consoleCall('POST', `/admin/tickets/${data.id}/reply`, { body: reply });
    setReply('');
    after('Your reply was sent to the customer.');
  });
  const assign = () => action.run(async () => {
    await consoleCall('POST', `/admin/tickets/${data.id}/assign`, { agent });
    after(`Assigned to ${agent}.`);
  });
  const resolve = () => action.run(async () => {
    await consoleCall('POST', `/admin/tickets/${data.id}/resolve`);
    after('The ticket is resolved.');
  });
  return (
    <>
      <PageTitle>{data.subject}</PageTitle>
      {notice && <Notice kind="success">{notice}</Notice>}
      <FormError error={action.error} fields={['body', 'agent']} />
      <TicketFacts ticket={data} />
      <p><a href={workflowUrl} target="_blank" rel="noopener noreferrer">Open the ticket's workflow in the Temporal UI<span class="visually-hidden"> (opens in a new tab)</span></a></p>
      {(data.photos ?? []).length > 0 && <TicketPhotos ticket={data} onPlaced={reload} />}
      <h2>Conversation</h2>
      <ol class="thread" aria-label="Messages">
        {(data.messages ?? []).map((message) => (
          <li key={message.id} class={`message message-${message.author_type}`}>
            <p class="message-meta"><strong>{authorLabel(message, data.customer?.name)}</strong> · {formatDateTime(message.created_at)}</p>
            <p class="message-body">{message.body}</p>
          </li>
        ))}
      </ol>
      {data.ai_draft && data.ai_draft_new && (
        <section aria-labelledby="draft-heading" class="card draft">
          <h2 id="draft-heading">AI draft</h2>
          <p class="muted">Not sent to the customer. Check it before you use it.</p>
          <p class="message-body">{data.ai_draft}</p>
          {open && <button type="button" class="secondary" onClick={() => setReply(data.ai_draft ?? '')}>Use this draft</button>}
        </section>
      )}
      {open && (
        <>
          <form onSubmit={onSubmit(send)}>
            <Field id="agent-reply" label="Reply to the customer" required multiline maxLength={FIELD_LIMITS.ticketText} value={reply} onInput={setReply} error={fieldError(action.error, 'body')} />
            <button type="submit" disabled={action.busy}>Send reply</button>
          </form>
          <form onSubmit={onSubmit(assign)} class="inline-form">
            <Field id="assign-to" label="Assign to" required maxLength={FIELD_LIMITS.agentName} value={agent} onInput={setAgent} error={fieldError(action.error, 'agent')} />
            <button type="submit" class="secondary" disabled={action.busy}>Assign</button>
          </form>
          <p><button type="button" class="secondary" disabled={action.busy} onClick={() => void resolve()}>Mark resolved</button></p>
        </>
      )}
      <h2>Activity</h2>
      {(data.actions ?? []).length === 0 ? <p>No agent has acted on this ticket yet.</p> : (
        <ul class="activity">
          {(data.actions ?? []).map((a) => <li key={a.created_at + a.action}>{formatDateTime(a.created_at)} — {a.actor}: {a.action}{a.detail ? ` (${a.detail})` : ''}</li>)}
        </ul>
      )}
    </>
  );
}

type PlacementSlot = 'logo' | 'hero' | 'gallery';
const SLOTS: Record<PlacementSlot, string> = { logo: 'Logo', hero: 'Hero image', gallery: 'Gallery' };
const PLACED_AS: Record<PlacementSlot, string> = { logo: 'the logo', hero: 'the hero image', gallery: 'a gallery photo' };

/** The photos the customer attached, each with a control that places it on the site as an edit for the owner to approve. */
function TicketPhotos(props: { ticket: AgentTicket; onPlaced: () => void }) {
  return (
    <section aria-labelledby="ticket-photos-heading">
      <h2 id="ticket-photos-heading">Attached photos</h2>
      <ul class="photos">
        {(props.ticket.photos ?? []).map((photo) => <TicketPhoto key={photo.id} ticketId={props.ticket.id} photo={photo} onPlaced={props.onPlaced} />)}
      </ul>
    </section>
  );
}

function TicketPhoto(props: { ticketId: string; photo: PhotoDto; onPlaced: () => void }) {
  const { photo } = props;
  const [slot, setSlot] = useState<PlacementSlot>('gallery');
  const [placed, setPlaced] = useState<EditRequestDto | null>(null);
  const action = useAction();
  const place = () => action.run(async () => {
    setPlaced(await consoleCall<EditRequestDto>('POST', `/admin/tickets/${props.ticketId}/photos/${photo.id}/place`, { slot }));
    props.onPlaced();
  });
  const selectId = `place-slot-${photo.id}`;
  return (
    <li class="card photo">
      <a href={photo.url} target="_blank" rel="noopener noreferrer">
        <img src={thumbnailUrl(photo)} alt={photo.alt ?? `Photo attached ${formatDateTime(photo.created_at)}`} width={160} height={Math.round((160 * photo.height) / photo.width)} loading="lazy" />
        <span class="visually-hidden"> (full size, opens in a new tab)</span>
      </a>
      <p class="muted">{photo.alt ?? 'No description'} · {photo.width} × {photo.height} · {formatDateTime(photo.created_at)}</p>
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {placed
        ? <Notice kind="success">Placed as {PLACED_AS[slot]} for the owner to approve: <a href={`/console/edit-requests/${placed.id}`}>open the change request</a>.</Notice>
        : (
          <form onSubmit={onSubmit(place)} class="inline-form">
            <div class="field"><label for={selectId}>Place on site as</label>
              <select id={selectId} value={slot} onChange={(event) => setSlot(event.currentTarget.value as PlacementSlot)}>
                {(Object.keys(SLOTS) as PlacementSlot[]).map((id) => <option key={id} value={id}>{SLOTS[id]}</option>)}
              </select></div>
            <button type="submit" class="secondary" disabled={action.busy}>Place on site</button>
          </form>
        )}
    </li>
  );
}

/** An open operator case as /admin/needs-attention lists it. */
interface OperatorCase {
  id: string;
  kind: string;
  reason: string;
  site_id: string | null;
  site_slug: string | null;
  workflow_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

/** How long ago something happened, in words ("3 h ago"). */
function age(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / (24 * 60))} days ago`;
}

function summarise(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** Money or messages a workflow could not handle on its own, oldest first; each is resolved with what was done. */
export function NeedsAttentionPage(props: { url: URL }) {
  return <ConsoleShell url={props.url}>{(session) => <NeedsAttention session={session} />}</ConsoleShell>;
}

function NeedsAttention(props: { session: ConsoleSession }) {
  const { data, error, reload } = useLoad(() => consoleCall<{ cases: OperatorCase[] }>('GET', '/admin/needs-attention'), []);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageTitle>Needs attention</PageTitle>
      {notice && <Notice kind="success">{notice}</Notice>}
      {error && <Notice kind="error">{error.message}</Notice>}
      {!data && !error && <p>Loading…</p>}
      {data && data.cases.length === 0 && <p>Nothing needs attention.</p>}
      {data && data.cases.length > 0 && (
        <ul class="cases" aria-label="Open cases, oldest first">
          {data.cases.map((c) => <CaseCard key={c.id} item={c} session={props.session} onResolved={() => {
            setNotice(`The case "${humanize(c.kind)}" is resolved.`);
            reload();
          }} />)}
        </ul>
      )}
    </>
  );
}

function CaseCard(props: { item: OperatorCase; session: ConsoleSession; onResolved: () => void }) {
  const { item } = props;
  const [resolution, setResolution] = useState('');
  const action = useAction();
  const resolve = () => action.run(async () => {
    await consoleCall('POST', `/admin/needs-attention/${item.id}/resolve`, { resolution: resolution.trim() });
    props.onResolved();
  });
  const heading = `case-${item.id}`;
  return (
    <li class="card case" aria-labelledby={heading}>
      <h2 id={heading}>{humanize(item.kind)}</h2>
      <p>{item.reason}</p>
      <dl class="facts">
        <div><dt>Site</dt><dd>{item.site_slug ?? '—'}</dd></div>
        <div><dt>Opened</dt><dd>{age(item.created_at)} ({formatDateTime(item.created_at)})</dd></div>
        {item.workflow_id && <div><dt>Workflow</dt><dd><a href={workflowUiUrl(props.session, item.workflow_id)} target="_blank" rel="noopener noreferrer">{item.workflow_id}<span class="visually-hidden"> in the Temporal UI (opens in a new tab)</span></a></dd></div>}
      </dl>
      {Object.keys(item.payload).length > 0 && (
        <details>
          <summary>Details<span class="visually-hidden"> of this case</span></summary>
          <dl class="facts payload">
            {Object.entries(item.payload).map(([key, value]) => <div key={key}><dt>{key}</dt><dd><code>{summarise(value)}</code></dd></div>)}
          </dl>
        </details>
      )}
      <FormError error={action.error} fields={['resolution']} />
      <form onSubmit={onSubmit(resolve)}>
        <Field id={`resolution-${item.id}`} label="What did you do?" hint="For example: refunded by hand at the provider." required multiline maxLength={FIELD_LIMITS.resolution}
          value={resolution} onInput={setResolution} error={fieldError(action.error, 'resolution')} />
        <button type="submit" disabled={action.busy}>Mark resolved</button>
      </form>
    </li>
  );
}

interface PurchaseStatistics {
  purchases: { count: number; refunded: number };
  subscription_payments: { count: number; refunded: number; failed: number };
  revenue: { currency: string; purchases: number; subscriptions: number; refunds: number; net: number }[];
}

interface SubscriptionStatistics {
  total: number;
  by_status: Record<string, number>;
  cancelling: number;
  mrr: { currency: string; amount: number; subscriptions: number }[];
}

/** Platform statistics: purchases, MRR, subscriptions by status (with a chart). */
export function StatisticsPage(props: { url: URL }) {
  return <ConsoleShell url={props.url}>{() => <Statistics />}</ConsoleShell>;
}

function Statistics() {
  const purchases = useLoad(() => consoleCall<PurchaseStatistics>('GET', '/admin/purchase-statistics'), []);
  const subscriptions = useLoad(() => consoleCall<SubscriptionStatistics>('GET', '/admin/subscription-statistics'), []);
  const money = (amount: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  return (
    <>
      <PageTitle>Platform statistics</PageTitle>
      {(purchases.error ?? subscriptions.error) && <Notice kind="error">{(purchases.error ?? subscriptions.error)?.message}</Notice>}
      <div class="stats">
        {purchases.data && <div class="card stat"><h2>Purchases</h2><p class="figure">{purchases.data.purchases.count}</p><p class="muted">{purchases.data.purchases.refunded} refunded</p></div>}
        {subscriptions.data && <div class="card stat"><h2>MRR</h2>{subscriptions.data.mrr.length === 0 ? <p class="figure">—</p> : subscriptions.data.mrr.map((m) => <p key={m.currency} class="figure">{money(m.amount, m.currency)}</p>)}<p class="muted">{subscriptions.data.mrr.reduce((n, m) => n + m.subscriptions, 0)} paying subscriptions</p></div>}
        {purchases.data && <div class="card stat"><h2>Subscription payments</h2><p class="figure">{purchases.data.subscription_payments.count}</p><p class="muted">{purchases.data.subscription_payments.failed} failed charges</p></div>}
      </div>
      {subscriptions.data && (
        <section aria-labelledby="by-status-heading" class="card">
          <h2 id="by-status-heading">Subscriptions by status</h2>
          <BarChart data={Object.entries(subscriptions.data.by_status).map(([label, value]) => ({ label: humanize(label), value }))} title="Subscriptions by status" />
        </section>
      )}
      {purchases.data && purchases.data.revenue.length > 0 && (
        <section aria-labelledby="revenue-heading">
          <h2 id="revenue-heading">Revenue</h2>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Revenue per currency">
            <table>
              <thead><tr><th scope="col">Currency</th><th scope="col">Purchases</th><th scope="col">Subscriptions</th><th scope="col">Refunds</th><th scope="col">Net</th></tr></thead>
              <tbody>{purchases.data.revenue.map((r) => (
                <tr key={r.currency}><th scope="row">{r.currency}</th><td>{money(r.purchases, r.currency)}</td><td>{money(r.subscriptions, r.currency)}</td><td>{money(r.refunds, r.currency)}</td><td>{money(r.net, r.currency)}</td></tr>
              ))}</tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

/** A horizontal bar chart drawn as inline SVG, with the numbers also in a table for screen readers. */
export function BarChart(props: { data: { label: string; value: number }[]; title: string }) {
  const max = Math.max(1, ...props.data.map((d) => d.value));
  const row = 34;
  const labelWidth = 150;
  const barWidth = 190;
  const height = props.data.length * row + 8;
  return (
    <>
      <svg class="chart" viewBox={`0 0 ${labelWidth + barWidth + 40} ${height}`} role="img" aria-labelledby="chart-title">
        <title id="chart-title">{props.title}: {props.data.map((d) => `${d.label} ${d.value}`).join(', ')}</title>
        {props.data.map((d, i) => (
          <g key={d.label} transform={`translate(0 ${i * row + 4})`}>
            <text x={labelWidth - 8} y={row / 2 + 2} text-anchor="end" dominant-baseline="middle" class="chart-label">{d.label}</text>
            <rect x={labelWidth} y={4} height={row - 10} width={Math.max(d.value > 0 ? 2 : 0, (d.value / max) * barWidth)} rx={3} class="chart-bar" />
            <text x={labelWidth + (d.value / max) * barWidth + 6} y={row / 2 + 2} dominant-baseline="middle" class="chart-value">{d.value}</text>
          </g>
        ))}
      </svg>
      <table class="visually-hidden">
        <caption>{props.title}</caption>
        <tbody>{props.data.map((d) => <tr key={d.label}><th scope="row">{d.label}</th><td>{d.value}</td></tr>)}</tbody>
      </table>
    </>
  );
}
