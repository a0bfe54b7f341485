import { useEffect, useState } from 'preact/hooks';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { ownerCall, type ApiError } from './api.js';
import { SitePage, type OwnedSite } from './account.js';
import { Field, fieldError, formatDateTime, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

interface DnsRecord {
  type: 'TXT' | 'CNAME' | 'A' | 'AAAA';
  name: string;
  value: string;
  purpose: string;
}

/** A site's custom domain as /customer/sites/:siteId/domain answers it. */
interface SiteDomain {
  domain: string;
  status: string;
  serving_domain: string | null;
  redirect_from: string | null;
  records: DnsRecord[];
  last_checked_at: string | null;
  last_seen: { txt?: string[]; cname?: string[]; a?: string[]; aaaa?: string[]; tokenFound?: boolean; pointsToPlatform?: boolean; error?: string | null } | null;
  missing_since: string | null;
  verified_at: string | null;
  verify_by: string;
}

const STATUS_TEXT: Record<string, string> = {
  pending: 'We are looking for the DNS records below. Create them at your domain provider; changes can take a while to show.',
  txt_verified: 'We found the TXT record. The domain does not point at WebMagic yet: create the CNAME (or A) record below.',
  verified: 'Your website is served on this domain.',
  failed: 'We did not find the records in time. Create them, then connect the domain again.',
  lapsed: 'The records went missing, so the domain is no longer served. Restore them, then connect the domain again.',
};

/** The custom domain of one site (`/account/domain?site_id=`, the page the domain emails link to). */
export function DomainPage(props: { url: URL }) {
  return (
    <SitePage url={props.url}>{(site) => <Domain key={site.site_id} site={site} />}</SitePage>
  );
}

function Domain(props: { site: OwnedSite }) {
  const { site } = props;
  const path = `/customer/sites/${site.site_id}/domain`;
  const loaded = useLoad(() => ownerCall<SiteDomain>('GET', path), [path]);
  const [notice, setNotice] = useState<string | null>(null);
  const [checking, setChecking] = useState(0);
  const [checkRunning, setCheckRunning] = useState(false);
  const action = useAction();

  // A check runs in the background: look again a few times after asking for one.
  useEffect(() => {
    if (checking === 0) return;
    const timers = [1000, 3000, 6000].map((ms) => window.setTimeout(loaded.reload, ms));
    timers.push(window.setTimeout(() => setCheckRunning(false), 6500));
    return () => timers.forEach((timer) => window.clearTimeout(timer));
  }, [checking]);

  const connect = (domain: string) => action.run(async () => {
    await ownerCall<SiteDomain>('POST', path, { domain: domain.trim() });
    setNotice(`Create the DNS records below for ${domain.trim()}; we check for them automatically.`);
    loaded.reload();
  });
  const checkNow = () => action.run(async () => {
    await ownerCall<SiteDomain>('POST', `${path}/check`);
    setNotice(null);
    setCheckRunning(true);
    setChecking((n) => n + 1);
  });
  const disconnect = (domain: string) => action.run(async () => {
    if (!window.confirm(`Disconnect ${domain}? Your website stops being served there at once.`)) return;
    await ownerCall('DELETE', path);
    setNotice(`${domain} is disconnected. Your website is still online at ${site.site_url}.`);
    loaded.reload();
  });

  const d = loaded.data;
  // "Checking now" holds until the check changes the domain's status; the status text says the rest.
  useEffect(() => setCheckRunning(false), [d?.status]);
  const none = loaded.error?.status === 404;
  const reconnect = d && (d.status === 'failed' || d.status === 'lapsed');
  return (
    <>
      <PageTitle>Domain — {site.site_title}</PageTitle>
      {notice && <Notice kind="success">{notice}</Notice>}
      {checkRunning && <Notice kind="success">We are checking the DNS records now; this page updates in a few seconds.</Notice>}
      {action.error && action.error.field !== 'domain' && <Notice kind="error">{action.error.status === 409 ? 'This domain cannot be connected: ' : ''}{action.error.message}</Notice>}
      {loaded.error && !none && <Notice kind="error">{loaded.error.message}</Notice>}
      <p>Your website's address: <strong>{d?.serving_domain ?? site.site_url}</strong></p>
      {(none || reconnect) && <ConnectForm busy={action.busy} initial={d?.domain ?? ''} error={action.error} onConnect={connect} />}
      {d && (
        <>
          <section aria-labelledby="domain-heading" class="card">
            <h2 id="domain-heading">{d.domain} <StatusBadge status={d.status} /></h2>
            <p>{STATUS_TEXT[d.status] ?? ''}</p>
            <dl class="facts">
              <div><dt>Served on</dt><dd>{d.serving_domain ?? 'Not yet'}</dd></div>
              {d.verified_at && <div><dt>Verified</dt><dd>{formatDateTime(d.verified_at)}</dd></div>}
              {!d.verified_at && d.status !== 'failed' && <div><dt>Verify by</dt><dd>{formatDateTime(d.verify_by)}</dd></div>}
              <div><dt>Last checked</dt><dd>{formatDateTime(d.last_checked_at)}</dd></div>
              {d.missing_since && <div><dt>Records missing since</dt><dd>{formatDateTime(d.missing_since)}</dd></div>}
            </dl>
            <p class="actions">
              {!reconnect && <button type="button" disabled={action.busy} onClick={() => void checkNow()}>Check now</button>}
              <button type="button" class="danger" disabled={action.busy} onClick={() => void disconnect(d.domain)}>Disconnect domain</button>
            </p>
          </section>
          <section aria-labelledby="records-heading">
            <h2 id="records-heading">DNS records to create</h2>
            <p>Create these records at the company where you registered {d.domain}.</p>
            <ul class="records">
              {d.records.map((record) => <RecordCard key={`${record.type} ${record.name} ${record.value}`} record={record} />)}
            </ul>
          </section>
          <LastSeen domain={d} />
        </>
      )}
      {(d || none) && <AskUs site={site} domain={d?.domain ?? null} />}
    </>
  );
}

/** "Ask us to check": a person from the team looks at the domain; the request is a support ticket with a deadline. */
function AskUs(props: { site: OwnedSite; domain: string | null }) {
  const [asked, setAsked] = useState<{ ticket_id: string; created: boolean; due_at: string } | null>(null);
  const action = useAction();
  const ask = () => action.run(async () => {
    setAsked(await ownerCall<{ ticket_id: string; created: boolean; due_at: string }>('POST', `/customer/sites/${props.site.site_id}/domain/ask`));
  });
  return (
    <section aria-labelledby="ask-heading" class="card ask-us">
      <h2 id="ask-heading">Stuck? Ask us to check</h2>
      {asked ? (
        <Notice kind="success">
          {asked.created ? 'We asked the team to check' : 'The team is already checking'} {props.domain ?? 'your domain setup'}. A person answers by {formatDateTime(asked.due_at)}.{' '}
          <a href={`/account/support/${asked.ticket_id}?site_id=${props.site.site_id}`}>Follow your request</a>
        </Notice>
      ) : (
        <>
          <p>A member of the WebMagic team looks at your domain and its DNS records, and tells you what to change.</p>
          {action.error && <Notice kind="error">{action.error.message}</Notice>}
          <p><button type="button" class="secondary" disabled={action.busy} onClick={() => void ask()}>Ask us to check</button></p>
        </>
      )}
    </section>
  );
}

function ConnectForm(props: { busy: boolean; initial: string; error: ApiError | null; onConnect: (domain: string) => Promise<void> }) {
  const [domain, setDomain] = useState(props.initial);
  return (
    <section aria-labelledby="connect-heading" class="card">
      <h2 id="connect-heading">Connect a domain</h2>
      <form onSubmit={onSubmit(() => props.onConnect(domain))}>
        <Field id="domain" label="Domain name" required maxLength={FIELD_LIMITS.domain} hint="For example www.your-business.com — a domain you own." value={domain} onInput={setDomain}
          error={fieldError(props.error, 'domain')} />
        <button type="submit" disabled={props.busy}>Connect domain</button>
      </form>
    </section>
  );
}

function RecordCard(props: { record: DnsRecord }) {
  const { record } = props;
  return (
    <li class="card">
      <p><strong>{record.type}</strong> — {record.purpose}</p>
      <dl class="facts record">
        <div><dt>Type</dt><dd>{record.type}</dd></div>
        <div><dt>Name</dt><dd><code>{record.name}</code> <CopyButton text={record.name} label={`Copy the name of the ${record.type} record`} /></dd></div>
        <div><dt>Value</dt><dd><code>{record.value}</code> <CopyButton text={record.value} label={`Copy the value of the ${record.type} record`} /></dd></div>
      </dl>
    </li>
  );
}

function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button type="button" class="secondary copy" aria-label={props.label} onClick={() => {
        void navigator.clipboard.writeText(props.text).then(() => setCopied(true), () => setCopied(false));
      }}>Copy</button>
      <span role="status" class="copied">{copied ? 'Copied' : ''}</span>
    </>
  );
}

function list(values: string[] | undefined): string {
  return values && values.length > 0 ? values.join(', ') : 'nothing';
}

/** What DNS answered at the last check, in words. */
function LastSeen(props: { domain: SiteDomain }) {
  const seen = props.domain.last_seen;
  return (
    <section aria-labelledby="seen-heading">
      <h2 id="seen-heading">What DNS showed last time</h2>
      {!seen ? <p>We have not checked yet.</p> : (
        <dl class="facts">
          <div><dt>Verification TXT record</dt><dd>{seen.tokenFound ? 'Found' : `Not found (TXT: ${list(seen.txt)})`}</dd></div>
          <div><dt>Points to WebMagic</dt><dd>{seen.pointsToPlatform ? 'Yes' : 'No'}</dd></div>
          <div><dt>CNAME</dt><dd>{list(seen.cname)}</dd></div>
          <div><dt>A</dt><dd>{list(seen.a)}</dd></div>
          {seen.aaaa && seen.aaaa.length > 0 && <div><dt>AAAA</dt><dd>{list(seen.aaaa)}</dd></div>}
          {seen.error && <div><dt>Lookup problem</dt><dd>{seen.error}</dd></div>}
        </dl>
      )}
    </section>
  );
}
