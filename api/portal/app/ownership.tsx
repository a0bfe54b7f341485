import { useState } from 'preact/hooks';
import type { AuditRowDto, CustomerRecordDto, SiteRecordDto } from '../../schemas/back-office.js';
import { consoleCall, type ConsoleSession } from './api.js';
import { Field, formatDate, formatDateTime, Notice, onSubmit, useAction, useLoad } from './ui.js';

/** A transfer waiting for its recipient, as the API answers it. */
export interface PendingTransferDto {
  transfer_id: string;
  site_id: string;
  status: string;
  recipient_email: string;
  requested_at: string;
  expires_at: string;
  requested_by: string;
}

const ACTOR_KINDS: Record<string, string> = { operator: 'operator', customer: 'customer', system: 'automatic' };

/** The audit log about a customer or a site, newest first: who, when, what, why. */
export function AuditTrail(props: { id: string; entries: AuditRowDto[] }) {
  return (
    <section aria-labelledby={props.id} class="record-section">
      <h2 id={props.id}>Ownership and audit trail</h2>
      {props.entries.length === 0 ? <p class="muted">Nothing recorded yet.</p> : (
        <ol class="activity audit">{props.entries.map((e) => (
          <li key={e.id}>
            <p>{e.what}</p>
            <p class="muted cell-note">{formatDateTime(e.at)} · by {e.actor_name} ({ACTOR_KINDS[e.actor_kind] ?? e.actor_kind})</p>
            {e.reason && <p class="cell-note">Reason: {e.reason}</p>}
          </li>
        ))}</ol>
      )}
    </section>
  );
}

/** A form for one ownership action: its fields, a required reason, and what happened. */
function ActionForm(props: {
  id: string; title: string; submit: string; danger?: boolean; secondary?: boolean; fields?: { id: string; label: string; type?: string; hint?: string }[];
  run: (values: Record<string, string>) => Promise<string>;
}) {
  const action = useAction();
  const [values, setValues] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const set = (key: string) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const submit = () => action.run(async () => {
    setDone(await props.run(values));
    setValues({});
  });
  return (
    <form class="card ownership-action" aria-labelledby={`${props.id}-title`} onSubmit={onSubmit(submit)}>
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      {done && <Notice kind="success">{done}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {(props.fields ?? []).map((f) => (
        <Field key={f.id} id={`${props.id}-${f.id}`} label={f.label} type={f.type} hint={f.hint} required value={values[f.id] ?? ''} onInput={set(f.id)} />
      ))}
      <Field id={`${props.id}-reason`} label="Reason" hint="Required; kept in the audit log." required value={values.reason ?? ''} onInput={set('reason')} />
      <button type="submit" class={props.danger ? 'danger' : props.secondary ? 'secondary' : undefined} disabled={action.busy}>{props.submit}</button>
    </form>
  );
}

/** On the customer page: an admin links a site to this customer by hand. */
export function CustomerOwnership(props: { customer: CustomerRecordDto; session: ConsoleSession; onChanged: () => void }) {
  if (props.session.operator.role !== 'admin') return null;
  return (
    <section aria-labelledby="customer-ownership-actions" class="record-section">
      <h2 id="customer-ownership-actions">Ownership actions</h2>
      <div class="ownership-actions">
        <ActionForm id="link-site" title="Link a site to this customer" submit="Link the site"
          fields={[{ id: 'site', label: 'Site (slug or id)', hint: 'A site nobody owns, e.g. paid outside the checkout.' }]}
          run={async (v) => {
            await consoleCall('POST', '/admin/ownership/link', { site: v.site ?? '', customer: props.customer.id, reason: v.reason ?? '' });
            props.onChanged();
            return `${v.site ?? 'The site'} is now in ${props.customer.email}’s account, awaiting its subscription.`;
          }} />
      </div>
    </section>
  );
}

/** On the site page: link it (nobody owns it), or remove it and start, see or cancel a transfer (it has an owner). Admins act; agents read. */
export function SiteOwnership(props: { site: SiteRecordDto; session: ConsoleSession; onChanged: () => void }) {
  const { site } = props;
  const owner = site.people.find((p) => p.role === 'owner');
  const transfer = useLoad(() => consoleCall<{ transfer: PendingTransferDto | null }>('GET', `/admin/ownership/transfer?site_id=${site.id}`), [site.id, site.audit.length]);
  const isAdmin = props.session.operator.role === 'admin';
  const pending = transfer.data?.transfer ?? null;
  // Removing the owner takes the remove form away with it, so what happened is said above the forms.
  const [removed, setRemoved] = useState<string | null>(null);
  const changed = () => {
    props.onChanged();
    transfer.reload();
    // The transfer workflow writes its audit entry a moment after it starts or closes.
    setTimeout(props.onChanged, 1500);
  };
  return (
    <section aria-labelledby="site-ownership-actions" class="record-section">
      <h2 id="site-ownership-actions">Ownership actions</h2>
      {removed && <Notice kind="success">{removed}</Notice>}
      {pending && (
        <Notice kind="info">A transfer to {pending.recipient_email} is waiting for them to accept (asked by {pending.requested_by} on {formatDate(pending.requested_at)}; expires {formatDateTime(pending.expires_at)}).</Notice>
      )}
      {!isAdmin && <p class="muted">Only admins can link, remove or transfer a site.</p>}
      {isAdmin && (
        <div class="ownership-actions">
          {!owner && (
            <ActionForm id="link-customer" title="Link this site to a customer" submit="Link the site"
              fields={[{ id: 'customer', label: 'Customer email', type: 'email' }]}
              run={async (v) => {
                await consoleCall('POST', '/admin/ownership/link', { site: site.id, customer: v.customer ?? '', reason: v.reason ?? '' });
                changed();
                return `The site is now in ${v.customer ?? ''}’s account, awaiting its subscription.`;
              }} />
          )}
          {owner && !pending && (
            <ActionForm id="start-transfer" title="Transfer to another person" submit="Send the invitation"
              fields={[{ id: 'recipient', label: 'Recipient email', type: 'email', hint: 'They accept from an emailed link within 7 days.' }]}
              run={async (v) => {
                await consoleCall('POST', '/admin/ownership/transfer', { site_id: site.id, recipient_email: v.recipient ?? '', reason: v.reason ?? '' });
                changed();
                return `The invitation was emailed to ${v.recipient ?? ''}.`;
              }} />
          )}
          {pending && (
            <ActionForm id="cancel-transfer" title="Cancel the pending transfer" submit="Cancel the transfer" secondary
              run={async (v) => {
                await consoleCall('POST', '/admin/ownership/transfer/cancel', { site_id: site.id, reason: v.reason ?? '' });
                changed();
                return 'The transfer was cancelled; its link no longer works.';
              }} />
          )}
          {owner && (
            <ActionForm id="remove-site" title={`Remove from ${owner.email}’s account`} submit="Remove the site" danger
              run={async (v) => {
                await consoleCall('POST', '/admin/ownership/remove', { site_id: site.id, reason: v.reason ?? '' });
                const message = 'The site was removed: its subscription is cancelled and it is offline.';
                setRemoved(message);
                changed();
                return message;
              }} />
          )}
        </div>
      )}
    </section>
  );
}
