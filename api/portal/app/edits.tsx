import { useEffect, useState } from 'preact/hooks';
import type { EditRequestDto, VersionDto } from '../../schemas/answers.js';
import { ownerCall } from './api.js';
import { SitePage, type OwnedSite } from './account.js';
import { DesignForm } from './design.js';
import { PhotosPanel } from './photos.js';
import { navigate } from './router.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { Field, fieldError, FormError, formatDate, formatDateTime, Notice, onSubmit, PageTitle, StatusBadge, useAction, useFocusOnMount, useLoad } from './ui.js';

/** Statuses in which the editor is still working; the request page looks again until it has news. */
const WORKING = ['pending', 'generating'];

/** The 402 of a site that cannot be edited, said plainly with the way out. */
function EditingBlocked(props: { site: OwnedSite; message: string }) {
  return (
    <Notice kind="error">
      {props.message}. Changes need an active subscription: <a href={`/account/subscription?site_id=${props.site.site_id}`}>go to billing</a> to start or renew it.
    </Notice>
  );
}

/** Edit requests and versions of one site (`/account/edits?site_id=`). */
export function EditsPage(props: { url: URL }) {
  return (
    <SitePage url={props.url}>{(site) => <Edits key={site.site_id} site={site} />}</SitePage>
  );
}

function Edits(props: { site: OwnedSite }) {
  const { site } = props;
  const requests = useLoad(() => ownerCall<{ edit_requests: EditRequestDto[] }>('GET', `/customer/sites/${site.site_id}/edit-requests`), [site.site_id]);
  return (
    <>
      <PageTitle>Changes — {site.site_title}</PageTitle>
      {site.role === 'owner' ? <><NewEditForm site={site} /><DesignForm site={site} /><PhotosPanel site={site} /></> : <p>Only the site’s owner can ask for changes; you can follow them here.</p>}
      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading">Your change requests</h2>
        {requests.error && <Notice kind="error">{requests.error.message}</Notice>}
        {requests.data && requests.data.edit_requests.length === 0 && <p>No change requests yet.</p>}
        {requests.data && requests.data.edit_requests.length > 0 && (
          <ul class="tickets">
            {requests.data.edit_requests.map((edit) => (
              <li key={edit.id} class="card">
                <a href={`/account/edits/${edit.id}?site_id=${site.site_id}`}>{edit.summary ?? edit.request}</a> <StatusBadge status={shownStatus(edit)} />
                <p class="muted">Asked {formatDateTime(edit.created_at)}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <Versions site={site} onPublished={requests.reload} />
    </>
  );
}

/** A published change an older version replaced is shown as rolled back. */
function shownStatus(edit: EditRequestDto): string {
  return edit.rolled_back ? 'rolled_back' : edit.status;
}

function NewEditForm(props: { site: OwnedSite }) {
  const [text, setText] = useState('');
  const action = useAction();
  const submit = () => action.run(async () => {
    const created = await ownerCall<EditRequestDto>('POST', `/customer/sites/${props.site.site_id}/edit-requests`, { request: text });
    navigate(`/account/edits/${created.id}?site_id=${props.site.site_id}`);
  });
  return (
    <section aria-labelledby="new-edit-heading" class="card">
      <h2 id="new-edit-heading">Ask for a change</h2>
      {action.error && (action.error.code === 'subscription_inactive'
        ? <EditingBlocked site={props.site} message={action.error.message} />
        : <FormError error={action.error} fields={['request']} />)}
      <form onSubmit={onSubmit(submit)}>
        <Field id="edit-request" label="What should change on your site?" required multiline maxLength={FIELD_LIMITS.editRequest} value={text} onInput={setText} error={fieldError(action.error, 'request')}
          hint="For example: change our phone number to (555) 010-2233. We prepare a private preview; nothing changes until you approve it." />
        <button type="submit" disabled={action.busy}>Ask for this change</button>
      </form>
    </section>
  );
}

/** The site's versions, newest first; owners publish an earlier live version again (roll back) or a newer one, after confirming. */
function Versions(props: { site: OwnedSite; onPublished: () => void }) {
  const { site } = props;
  const versions = useLoad(() => ownerCall<{ versions: VersionDto[] }>('GET', `/customer/sites/${site.site_id}/versions`), [site.site_id]);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const action = useAction();
  const liveVersion = versions.data?.versions.find((v) => v.live);
  const live = liveVersion?.number ?? 0;
  const publish = (number: number) => action.run(async () => {
    setNotice(null);
    await ownerCall('POST', `/customer/sites/${site.site_id}/versions/${number}/publish`);
    setConfirming(null);
    setNotice(number < live
      ? `Version ${number} is live now. The change of version ${live} is rolled back; you can publish it again from this list.`
      : `Version ${number} is live now.`);
    versions.reload();
    props.onPublished();
  });
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      {notice && <Notice kind="success">{notice}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {versions.error && <Notice kind="error">{versions.error.message}</Notice>}
      {versions.data && (
        <ul class="tickets">
          {versions.data.versions.map((v) => (
            <li key={v.number} class="card">
              <p><strong>Version {v.number}</strong> {v.live ? <StatusBadge status="live" /> : v.discarded_at ? <StatusBadge status="discarded" /> : !v.published_at && <StatusBadge status="draft" />}</p>
              <p>{v.summary ?? (v.number === 1 ? 'The first version of your site' : 'No description')}</p>
              <p class="muted">Made {formatDate(v.created_at)}{v.published_at ? ` · first live ${formatDate(v.published_at)}` : ''}</p>
              {site.role === 'owner' && !v.live && v.published_at && !v.discarded_at && confirming !== v.number && (
                <button type="button" class="secondary" disabled={action.busy} onClick={() => setConfirming(v.number)}>
                  {v.number < live ? <>Roll back<span class="visually-hidden"> to version {v.number}</span></> : <>Publish<span class="visually-hidden"> version {v.number}</span></>}
                </button>
              )}
              {confirming === v.number && liveVersion && (
                <ConfirmPublish version={v} live={liveVersion} busy={action.busy} onConfirm={() => void publish(v.number)} onKeep={() => setConfirming(null)} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The question before another version goes live: what the site shows at once, what stops showing, and that it can be undone. */
function ConfirmPublish(props: { version: VersionDto; live: VersionDto; busy: boolean; onConfirm: () => void; onKeep: () => void }) {
  const { version: v, live } = props;
  const back = v.number < live.number;
  const focus = useFocusOnMount<HTMLDivElement>();
  return (
    <div class="card confirm neutral" role="alertdialog" aria-labelledby={`confirm-publish-${v.number}`} aria-describedby={`confirm-publish-what-${v.number}`} tabIndex={-1} ref={focus}>
      <h3 id={`confirm-publish-${v.number}`}>{back ? `Roll back to version ${v.number}?` : `Publish version ${v.number}?`}</h3>
      <ul id={`confirm-publish-what-${v.number}`}>
        <li>Your site shows version {v.number} at once{v.summary ? ` (${v.summary})` : ''}.</li>
        <li>Version {live.number}{live.summary ? ` (${live.summary})` : ''} stops showing{back ? ': its change is rolled back' : ''}.</li>
        <li>Nothing is deleted: you can publish version {live.number} again from this list.</li>
      </ul>
      <p class="actions">
        <button type="button" disabled={props.busy} onClick={props.onConfirm}>{back ? `Yes, roll back to version ${v.number}` : `Yes, publish version ${v.number}`}</button>
        <button type="button" class="secondary" disabled={props.busy} onClick={props.onKeep}>Keep version {live.number}</button>
      </p>
    </div>
  );
}

/** One edit request (`/account/edits/:id?site_id=`): its preview, approve or reject. */
export function EditRequestPage(props: { url: URL; id: string }) {
  return (
    <SitePage url={props.url}>{(site) => <EditRequestView key={site.site_id} site={site} id={props.id} />}</SitePage>
  );
}

function EditRequestView(props: { site: OwnedSite; id: string }) {
  const { site } = props;
  const { data, error, reload } = useLoad(() => ownerCall<EditRequestDto>('GET', `/customer/sites/${site.site_id}/edit-requests/${props.id}`), [site.site_id, props.id]);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  // While the editor drafts, look again until there is a preview (or a person takes over).
  useEffect(() => {
    if (!data || !WORKING.includes(data.status)) return;
    const timer = window.setTimeout(reload, 1500);
    return () => window.clearTimeout(timer);
  }, [data]);
  if (error) return <><PageTitle>Change request</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  const decide = (kind: 'approve' | 'reject') => action.run(async () => {
    setNotice(null);
    try {
      const answer = await ownerCall<{ status: string; version_number: number | null }>('POST', `/customer/sites/${site.site_id}/edit-requests/${data.id}/${kind}`, kind === 'reject' ? { reason } : undefined);
      setNotice(answer.status === 'published' ? `Your change is live: version ${answer.version_number ?? ''} is published.` : kind === 'reject' ? 'You rejected this preview; a member of the team will follow up.' : `The change could not go live (${answer.status.replace(/_/g, ' ')}).`);
    } finally {
      reload();
    }
  });
  const alreadyDecided = action.error?.status === 409;
  const awaiting = data.status === 'awaiting_approval';
  return (
    <>
      <PageTitle>Change request</PageTitle>
      <p><a href={`/account/edits?site_id=${site.site_id}`}>All changes and versions of {site.site_title}</a></p>
      {notice && <Notice kind="success">{notice}</Notice>}
      {alreadyDecided && <Notice kind="error">This change was already decided, so your answer was not applied. {action.error?.message}.</Notice>}
      {action.error && !alreadyDecided && <FormError error={action.error} fields={['reason']} />}
      <section aria-labelledby="summary-heading" class="card">
        <h2 id="summary-heading">Summary <StatusBadge status={shownStatus(data)} /></h2>
        <dl class="facts">
          <div><dt>You asked</dt><dd>{data.request}</dd></div>
          <div><dt>Asked on</dt><dd>{formatDateTime(data.created_at)}</dd></div>
          {data.summary && <div><dt>What we changed</dt><dd>{data.summary}</dd></div>}
          {data.preview_version !== null && <div><dt>Version</dt><dd>{data.preview_version}</dd></div>}
          {awaiting && <div><dt>Approve before</dt><dd>{formatDateTime(data.expires_at)}</dd></div>}
          {data.decision && <div><dt>Decision</dt><dd>{data.decision}</dd></div>}
        </dl>
        {WORKING.includes(data.status) && <Notice kind="info">We are preparing a preview of this change; this page updates by itself.</Notice>}
        {data.status === 'needs_agent' && !data.agent_answer && <Notice kind="info">A member of the team is preparing this change; we email you when the preview is ready.</Notice>}
        {data.rolled_back && (
          <Notice kind="info">
            This change was rolled back: version {data.live_version} is live again, so your site no longer shows it. You can publish version {data.preview_version} again
            from <a href={`/account/edits?site_id=${site.site_id}`}>the list of versions</a>.
          </Notice>
        )}
        {data.status === 'published' && <p><a href={site.site_url}>View your site</a></p>}
      </section>
      {data.agent_answer && (
        <section aria-labelledby="answer-heading" class="card">
          <h2 id="answer-heading">From the WebMagic team</h2>
          <p class="message-body">{data.agent_answer}</p>
          {data.agent_answered_at && <p class="muted">{formatDateTime(data.agent_answered_at)}</p>}
        </section>
      )}
      {awaiting && (
        <section aria-labelledby="decide-heading">
          <h2 id="decide-heading">Preview and decide</h2>
          {data.preview_url && (
            <p><a class="button secondary" href={data.preview_url} target="_blank" rel="noopener">Open the private preview<span class="visually-hidden"> (opens in a new tab)</span></a></p>
          )}
          <p>Nothing changes on your live site until you approve.</p>
          {site.role === 'owner' ? (
            <>
              <p class="actions"><button type="button" disabled={action.busy} onClick={() => void decide('approve')}>Approve and publish</button></p>
              <form onSubmit={onSubmit(() => decide('reject'))}>
                <Field id="reject-reason" label="Not right? Tell us what to fix" required multiline maxLength={FIELD_LIMITS.rejectReason} value={reason} onInput={setReason}
                  error={fieldError(action.error, 'reason')} />
                <button type="submit" class="danger" disabled={action.busy}>Reject preview</button>
              </form>
            </>
          ) : <p>Only the site’s owner can approve or reject it.</p>}
        </section>
      )}
    </>
  );
}

