import { useState } from 'preact/hooks';
import type { AgentEditRequestDto, EditRequestDto, WorkItemDto } from '../../schemas/answers.js';
import { consoleCall } from './api.js';
import { ConsoleShell } from './console.js';
import { navigate } from './router.js';
import { Field, formatDateTime, humanize, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

/** What each kind of work is called in the console. */
const KIND_LABELS: Record<WorkItemDto['kind'], string> = {
  ticket: 'Ticket',
  edit_needs_agent: 'Edit for a person',
  edit_rejected: 'Rejected preview',
  operator_case: 'Needs attention',
  domain_check: 'Domain check',
  preview_held: 'Held preview',
};

function span(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / (24 * 60))} days`;
}

/** An item's deadline in words: overdue by how long, due soon, or when. */
export function dueLabel(item: Pick<WorkItemDto, 'due_at' | 'overdue'>, now = Date.now()): { label: string; kind: string } {
  const left = Date.parse(item.due_at) - now;
  if (item.overdue || left <= 0) return { label: `Overdue by ${span(-left)}`, kind: 'overdue' };
  if (left < 3_600_000) return { label: `Due in ${span(left)}`, kind: 'soon' };
  return { label: `Due ${formatDateTime(item.due_at)}`, kind: 'ok' };
}

function WorkCard({ item }: { item: WorkItemDto }) {
  const due = dueLabel(item);
  const heading = `work-${item.kind}-${item.id}`;
  return (
    <li class={`card work-item${due.kind === 'overdue' ? ' work-overdue' : ''}`} aria-labelledby={heading}>
      <p class="work-top">
        <span class={`badge kind-${item.kind}`}>{KIND_LABELS[item.kind]}</span>
        <span class={`sla sla-${due.kind}`}>{due.label}</span>
      </p>
      <h2 id={heading}><a href={item.url}>{item.title}</a></h2>
      {item.detail && <p class="work-detail">{item.detail}</p>}
      <p class="muted">
        {item.business_name ?? item.site_slug ?? 'No site'}
        {item.customer_name && <> · {item.customer_name}</>}
        {' · waiting '}<time dateTime={item.waiting_since} title={formatDateTime(item.waiting_since)}>{span(Date.now() - Date.parse(item.waiting_since))}</time>
      </p>
    </li>
  );
}

/** Everything waiting on a person, soonest due first; overdue work is marked. */
export function WorkQueuePage(props: { url: URL }) {
  return <ConsoleShell url={props.url}>{() => <WorkQueue kind={props.url.searchParams.get('kind') ?? ''} />}</ConsoleShell>;
}

function WorkQueue(props: { kind: string }) {
  const { data, error } = useLoad(() => consoleCall<{ items: WorkItemDto[]; count: number; overdue: number }>('GET', '/admin/work-queue'), []);
  const items = data ? data.items.filter((i) => props.kind === '' || i.kind === props.kind) : [];
  return (
    <>
      <PageTitle>Work queue</PageTitle>
      {error && <Notice kind="error">{error.message}</Notice>}
      {!data && !error && <p>Loading…</p>}
      {data && (
        <>
          <p class="work-summary">{data.count === 0 ? 'Nothing is waiting on a person.' : `${data.count} waiting${data.overdue > 0 ? `, ${data.overdue} overdue` : ''}. Soonest deadline first.`}</p>
          <div class="field inline">
            <label for="work-kind">Show</label>
            <select id="work-kind" value={props.kind} onChange={(event) => navigate(`/console/queue${event.currentTarget.value ? `?kind=${event.currentTarget.value}` : ''}`)}>
              <option value="">Everything</option>
              {Object.entries(KIND_LABELS).map(([kind, label]) => <option key={kind} value={kind}>{label}</option>)}
            </select>
          </div>
          {items.length > 0 && <ol class="cards work" aria-label="Work waiting on a person, soonest deadline first">{items.map((item) => <WorkCard key={`${item.kind}-${item.id}`} item={item} />)}</ol>}
          {data.count > 0 && items.length === 0 && <p>Nothing of this kind is waiting.</p>}
        </>
      )}
    </>
  );
}

const EDIT_VIEWS = ['waiting', 'needs_agent', 'rejected', 'awaiting_approval', 'generating', 'published', 'expired', 'refused'];

/** Edit requests: those waiting on a person (with their deadline), or every request in one status. */
export function EditRequestsPage(props: { url: URL }) {
  const view = props.url.searchParams.get('status') ?? 'waiting';
  return <ConsoleShell url={props.url}>{() => <EditRequests view={EDIT_VIEWS.includes(view) ? view : 'waiting'} />}</ConsoleShell>;
}

function EditRequests(props: { view: string }) {
  return (
    <>
      <PageTitle>Edit requests</PageTitle>
      <div class="field inline">
        <label for="edit-status">Show</label>
        <select id="edit-status" value={props.view} onChange={(event) => navigate(`/console/edit-requests?status=${event.currentTarget.value}`)}>
          {EDIT_VIEWS.map((v) => <option key={v} value={v}>{v === 'waiting' ? 'Waiting for an agent' : humanize(v)}</option>)}
        </select>
      </div>
      {props.view === 'waiting' ? <WaitingEdits /> : <EditsInStatus status={props.view} />}
    </>
  );
}

function WaitingEdits() {
  const { data, error } = useLoad(() => consoleCall<{ items: WorkItemDto[] }>('GET', '/admin/work-queue'), []);
  const items = data?.items.filter((i) => i.kind === 'edit_needs_agent' || i.kind === 'edit_rejected') ?? [];
  if (error) return <Notice kind="error">{error.message}</Notice>;
  if (!data) return <p>Loading…</p>;
  if (items.length === 0) return <p>No edit request is waiting for an agent.</p>;
  return <ol class="cards work" aria-label="Edit requests waiting for an agent, soonest deadline first">{items.map((item) => <WorkCard key={item.id} item={item} />)}</ol>;
}

function EditsInStatus(props: { status: string }) {
  const { data, error } = useLoad(() => consoleCall<{ edit_requests: EditRequestDto[] }>('GET', `/admin/edit-requests?status=${props.status}`), [props.status]);
  if (error) return <Notice kind="error">{error.message}</Notice>;
  if (!data) return <p>Loading…</p>;
  if (data.edit_requests.length === 0) return <p>No edit request is {humanize(props.status).toLowerCase()}.</p>;
  return (
    <ul class="cards list" aria-label="Edit requests, oldest first">
      {data.edit_requests.map((r) => (
        <li key={r.id} class="card">
          <p class="work-top"><StatusBadge status={r.status} /><span class="muted">Asked {formatDateTime(r.created_at)}</span></p>
          <p><a href={`/console/edit-requests/${r.id}`}>{r.request}</a></p>
          {r.decision && <p class="muted">{r.decision}</p>}
        </li>
      ))}
    </ul>
  );
}

/** One edit request for an agent: what was asked, by whom, why it waits; draft the change for approval, or answer. */
export function ConsoleEditRequestPage(props: { url: URL; id: string }) {
  return <ConsoleShell url={props.url}>{() => <AgentEdit id={props.id} />}</ConsoleShell>;
}

function EditFacts({ edit }: { edit: AgentEditRequestDto }) {
  return (
    <dl class="facts">
      <div><dt>Status</dt><dd><StatusBadge status={edit.status} /></dd></div>
      <div><dt>Business</dt><dd><a href={`/console/sites/${edit.site_id}`}>{edit.business_name}</a><br /><span class="muted">{edit.site_slug}</span></dd></div>
      {edit.customer && <div><dt>Asked by</dt><dd><a href={`/console/customers/${edit.customer.id}`}>{edit.customer.name}</a><br /><a class="email" href={`mailto:${edit.customer.email}`}>{edit.customer.email}</a></dd></div>}
      <div><dt>Asked on</dt><dd>{formatDateTime(edit.created_at)}</dd></div>
      {edit.ticket_id && <div><dt>Ticket</dt><dd><a href={`/console/tickets/${edit.ticket_id}`}>Open the support ticket</a></dd></div>}
      {edit.editor_reason && <div><dt>Why the editor handed it over</dt><dd>{edit.editor_reason}</dd></div>}
      {edit.status === 'rejected' && edit.decision && <div><dt>Why the owner rejected the preview</dt><dd>{edit.decision}</dd></div>}
      {edit.summary && <div><dt>Last preview</dt><dd>{edit.summary}{edit.preview_version !== null ? ` (version ${edit.preview_version})` : ''}</dd></div>}
    </dl>
  );
}

function AgentEdit(props: { id: string }) {
  const { data, error, reload } = useLoad(() => consoleCall<AgentEditRequestDto>('GET', `/admin/edit-requests/${props.id}`), [props.id]);
  const [notice, setNotice] = useState<string | null>(null);
  if (error) return <><PageTitle>Edit request</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  const done = (message: string) => {
    setNotice(message);
    reload();
  };
  const waiting = (data.status === 'needs_agent' || data.status === 'rejected') && !data.agent_answered_at;
  return (
    <>
      <PageTitle>Edit request</PageTitle>
      <p><a href="/console/edit-requests">All edit requests</a></p>
      {notice && <Notice kind="success">{notice}</Notice>}
      {waiting && <Notice kind="info">{data.status === 'rejected' ? 'The owner rejected the preview and is waiting for the team to follow up.' : 'The editor could not draft this change: the owner is waiting for a person.'}</Notice>}
      <section aria-labelledby="asked-heading" class="card">
        <h2 id="asked-heading">The owner asked</h2>
        <p class="message-body">{data.request}</p>
      </section>
      <section aria-label="Details of the request" class="card"><EditFacts edit={data} /></section>
      {data.agent_answer && (
        <section aria-labelledby="answered-heading" class="card">
          <h2 id="answered-heading">Answered by {data.agent_answered_by ?? 'the team'}</h2>
          <p class="message-body">{data.agent_answer}</p>
          <p class="muted">{formatDateTime(data.agent_answered_at)}</p>
        </section>
      )}
      {data.status === 'needs_agent' && data.live_content && <DraftForm edit={data} onDone={() => done('Your draft is saved; the owner gets a private preview to approve.')} />}
      {waiting && <AnswerForm edit={data} onDone={() => done('Your answer was sent to the owner.')} />}
    </>
  );
}

type Content = NonNullable<AgentEditRequestDto['live_content']>;

/** The agent writes the change on the live content; the owner then previews and approves it. */
function DraftForm(props: { edit: AgentEditRequestDto; onDone: () => void }) {
  const live = props.edit.live_content as Content;
  const [headline, setHeadline] = useState(live.headline);
  const [tagline, setTagline] = useState(live.tagline);
  const [about, setAbout] = useState(live.about);
  const [services, setServices] = useState(live.services.join('\n'));
  const [cta, setCta] = useState(live.callToAction);
  const [summary, setSummary] = useState('');
  const action = useAction();
  const save = () => action.run(async () => {
    const content: Content = {
      ...live, headline: headline.trim(), tagline: tagline.trim(), about: about.trim(), callToAction: cta.trim(),
      services: services.split('\n').map((s) => s.trim()).filter((s) => s !== ''),
    };
    await consoleCall('PUT', `/admin/edit-requests/${props.edit.id}/draft`, { content, summary: summary.trim() });
    props.onDone();
  });
  return (
    <section aria-labelledby="draft-heading">
      <h2 id="draft-heading">Draft the change</h2>
      <p>Edit the live text below. The owner gets a private preview and approves it; nothing goes live before.</p>
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      <form onSubmit={onSubmit(save)}>
        <Field id="draft-headline" label="Headline" required value={headline} onInput={setHeadline} />
        <Field id="draft-tagline" label="Tagline" required value={tagline} onInput={setTagline} />
        <Field id="draft-about" label="About the business" required multiline value={about} onInput={setAbout} />
        <Field id="draft-services" label="Services" hint="One per line." multiline value={services} onInput={setServices} />
        <Field id="draft-cta" label="Call to action" required value={cta} onInput={setCta} />
        <Field id="draft-summary" label="What you changed, for the owner" hint="For example: Added Sunday opening hours." required value={summary} onInput={setSummary} />
        <button type="submit" disabled={action.busy}>Send the preview to the owner</button>
      </form>
    </section>
  );
}

/** The agent answers the owner in words (sent on the ticket, or by email). */
function AnswerForm(props: { edit: AgentEditRequestDto; onDone: () => void }) {
  const [answer, setAnswer] = useState('');
  const action = useAction();
  const send = () => action.run(async () => {
    await consoleCall('POST', `/admin/edit-requests/${props.edit.id}/answer`, { body: answer.trim() });
    setAnswer('');
    props.onDone();
  });
  return (
    <section aria-labelledby="answer-heading">
      <h2 id="answer-heading">Answer the owner</h2>
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      <form onSubmit={onSubmit(send)}>
        <Field id="edit-answer" label="Your answer" hint={props.edit.ticket_id ? 'Sent as a reply on the support ticket; the owner also sees it on the request.' : 'Emailed to the owner; they also see it on the request.'} required multiline value={answer} onInput={setAnswer} />
        <button type="submit" class={props.edit.status === 'needs_agent' ? 'secondary' : undefined} disabled={action.busy}>Send answer</button>
      </form>
    </section>
  );
}
