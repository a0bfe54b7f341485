import { useState } from 'preact/hooks';
import type { VisitorErasureDto as VisitorErasure } from '../../schemas/back-office.js';
import { consoleCall } from './api.js';
import { ConsoleShell } from './console.js';
import { Field, formatDateTime, humanize, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

/** What each count of an erasure's summary is, singular and plural. */
const COUNTED: Record<string, [string, string]> = {
  bookings: ['booking', 'bookings'],
  visitor_sessions: ['analytics session', 'analytics sessions'],
  email_messages: ['email', 'emails'],
  purchase_holds: ['checkout hold', 'checkout holds'],
  collaborator_invitations: ['invitation', 'invitations'],
  swept: ['other mention', 'other mentions'],
};

function described(summary: Record<string, number>): string {
  const parts = Object.entries(summary).filter(([, n]) => n > 0).map(([key, n]) => `${n} ${(COUNTED[key] ?? [humanize(key).toLowerCase(), humanize(key).toLowerCase()])[n === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'nothing was found';
}

/** The console's privacy requests (`/console/privacy`, admins): erase a site visitor's data by their email, and the erasures run so far. */
export function VisitorErasurePage(props: { url: URL }) {
  return <ConsoleShell url={props.url}>{() => <VisitorErasures />}</ConsoleShell>;
}

function VisitorErasures() {
  const loaded = useLoad(() => consoleCall<{ erasures: VisitorErasure[] }>('GET', '/admin/privacy/visitor-erasures'), []);
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const erase = () => {
    if (!window.confirm(`Erase everything held about ${email.trim()} as a site visitor? This cannot be undone.`)) return Promise.resolve();
    return action.run(async () => {
      const started = await consoleCall<VisitorErasure>('POST', '/admin/privacy/visitor-erasures', { email: email.trim(), reason: reason.trim() });
      setDone(`The erasure runs now; the visitor is recorded as ${started.pseudonym}.`);
      setEmail('');
      setReason('');
      window.setTimeout(loaded.reload, 1500);
    });
  };
  return (
    <>
      <PageTitle>Privacy requests</PageTitle>
      <section aria-labelledby="visitor-heading">
        <h2 id="visitor-heading">Erase a site visitor’s data</h2>
        <p>For a visitor who asks: their bookings and contact requests (name, email, phone and message erased), their analytics sessions (deleted) and the emails sent to them, found by their email address. They are emailed when it is done. Owners delete their own accounts from their dashboard.</p>
        {done && <Notice kind="success">{done}</Notice>}
        {action.error && <Notice kind="error">{action.error.message}</Notice>}
        <form onSubmit={onSubmit(erase)}>
          <Field id="visitor-email" label="Visitor’s email address" type="email" autoComplete="off" required value={email} onInput={setEmail} />
          <Field id="visitor-reason" label="Reason (how they asked)" required value={reason} onInput={setReason} />
          <button type="submit" class="danger" disabled={action.busy}>Erase this visitor’s data</button>
        </form>
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Visitor erasures</h2>
        {loaded.error && <Notice kind="error">{loaded.error.message}</Notice>}
        {loaded.data && (loaded.data.erasures.length === 0 ? <p>None yet.</p> : (
          <ul class="rows">
            {loaded.data.erasures.map((e) => (
              <li key={e.id}>
                <span><strong>{e.pseudonym}</strong> — asked {formatDateTime(e.requested_at)} by {e.requested_by}{e.reason ? ` (“${e.reason}”)` : ''}
                  {e.summary && <>: {described(e.summary)}</>}
                </span>
                <StatusBadge status={e.status} />
              </li>
            ))}
          </ul>
        ))}
      </section>
    </>
  );
}
