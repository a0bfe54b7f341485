import { useEffect, useState } from 'preact/hooks';
import type { PhotoDto, TicketDto } from '../../schemas/answers.js';
import { ownerCall, ownerUpload } from './api.js';
import { ALT_MAX, PhotoFileInput, thumbnailUrl } from './photos.js';
import { AccountShell, type MySites, type OwnedSite } from './account.js';
import { navigate } from './router.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { Field, fieldError, FormError, formatDateTime, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

/** A ticket as the owner's ticket endpoints answer it. */
export type Ticket = TicketDto;

const AUTHORS: Record<string, string> = { customer: 'You', ai: 'WebMagic assistant', agent: 'WebMagic support', system: 'WebMagic' };

/** Support requests about the selected site, with the form to open one. */
export function SupportPage(props: { url: URL }) {
  return (
    <AccountShell url={props.url}>
      {({ sites, site }) => (site ? <Support key={site.site_id} sites={sites} site={site} /> : <p>Support requests are about a site, and you do not own one yet.</p>)}
    </AccountShell>
  );
}

function Support(props: { sites: MySites; site: OwnedSite }) {
  const { data, error } = useLoad(() => ownerCall<{ tickets: Ticket[] }>('GET', `/tickets?site_id=${props.site.site_id}`), [props.site.site_id]);
  return (
    <>
      <PageTitle>Support — {props.site.site_title}</PageTitle>
      <NewTicketForm sites={props.sites} site={props.site} />
      <section aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Your requests about {props.site.site_title}</h2>
        {error && <Notice kind="error">{error.message}</Notice>}
        {data && data.tickets.length === 0 && <p>No requests yet.</p>}
        {data && data.tickets.length > 0 && (
          <ul class="tickets">
            {data.tickets.map((ticket) => (
              <li key={ticket.id} class="card">
                <a href={`/account/support/${ticket.id}`}>{ticket.subject}</a> <StatusBadge status={ticket.status} />
                <p class="muted">Opened {formatDateTime(ticket.created_at)}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/**
 * Opens a ticket about the site the page is about (the owner may pick another); should no site be chosen, the API's
 * `site_selection_required` answer is shown on the site field.
 */
function NewTicketForm(props: { sites: MySites; site: OwnedSite }) {
  const several = props.sites.sites.length > 1;
  const [siteId, setSiteId] = useState(props.site.site_id);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [needsSite, setNeedsSite] = useState(false);
  const action = useAction();
  const submit = () => action.run(async () => {
    setNeedsSite(false);
    try {
      const ticket = await ownerCall<Ticket>('POST', '/tickets', { subject, description, ...(siteId ? { site_id: siteId } : {}) });
      navigate(`/account/support/${ticket.id}?site_id=${ticket.site_id}`);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'site_selection_required') {
        setNeedsSite(true);
        document.getElementById('ticket-site')?.focus();
        return;
      }
      throw error;
    }
  });
  return (
    <section aria-labelledby="new-ticket-heading" class="card">
      <h2 id="new-ticket-heading">Ask for help</h2>
      <FormError error={action.error} fields={['subject', 'description', 'site_id']} />
      <form onSubmit={onSubmit(submit)}>
        {several && (
          <div class="field">
            <label for="ticket-site">Which site is this about?</label>
            {(needsSite || action.error?.field === 'site_id') && <p class="field-error" id="ticket-site-error" role="alert">{needsSite ? 'You own several sites: choose the site this request is about.' : action.error?.message}</p>}
            <select id="ticket-site" name="site" value={siteId} aria-invalid={needsSite} aria-describedby={needsSite ? 'ticket-site-error' : undefined}
              onChange={(event) => setSiteId(event.currentTarget.value)}>
              <option value="">Choose a site…</option>
              {props.sites.sites.map((s) => <option key={s.site_id} value={s.site_id}>{s.site_title}</option>)}
            </select>
          </div>
        )}
        <Field id="ticket-subject" label="Subject" required maxLength={FIELD_LIMITS.ticketSubject} value={subject} onInput={setSubject} error={fieldError(action.error, 'subject')} />
        <Field id="ticket-description" label="How can we help?" required multiline maxLength={FIELD_LIMITS.ticketText} value={description} onInput={setDescription} error={fieldError(action.error, 'description')} />
        <button type="submit" disabled={action.busy}>Send request</button>
      </form>
    </section>
  );
}

/** One request's thread: reply, close and rate. */
export function TicketPage(props: { url: URL; id: string }) {
  return <AccountShell url={props.url}>{() => <Thread id={props.id} scopedTo={props.url.searchParams.get('site_id')} />}</AccountShell>;
}

function Thread(props: { id: string; scopedTo: string | null }) {
  const { data, error, reload } = useLoad(() => ownerCall<Ticket>('GET', `/tickets/${props.id}`), [props.id]);
  // A link from an email names only the ticket: scope the site selector to the ticket's site.
  useEffect(() => {
    if (data && props.scopedTo !== data.site_id) navigate(`/account/support/${data.id}?site_id=${data.site_id}`, true);
  }, [data, props.scopedTo]);
  const [reply, setReply] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  if (error) return <><PageTitle>Support request</PageTitle><Notice kind="error">{error.message}</Notice></>;
  if (!data) return <p>Loading…</p>;
  const open = data.status !== 'resolved' && data.status !== 'closed';
  const send = () => action.run(async () => {
    await ownerCall('POST', `/tickets/${data.id}/messages`, { body: reply });
    setReply('');
    setNotice('Your reply was sent.');
    reload();
  });
  const close = () => action.run(async () => {
    await ownerCall('POST', `/tickets/${data.id}/close`);
    setNotice('The request is closed.');
    window.setTimeout(reload, 1000);
  });
  const rate = (rating: number) => action.run(async () => {
    await ownerCall('POST', `/tickets/${data.id}/rating`, { rating });
    setNotice('Thank you for your rating.');
    reload();
  });
  return (
    <>
      <PageTitle>{data.subject}</PageTitle>
      <p><StatusBadge status={data.status} /> <a href={`/account/support?site_id=${data.site_id}`}>All requests for this site</a></p>
      {notice && <Notice kind="success">{notice}</Notice>}
      <FormError error={action.error} fields={['body']} />
      <ol class="thread" aria-label="Messages">
        {(data.messages ?? []).map((message) => (
          <li key={message.id} class={`message message-${message.author_type}`}>
            <p class="message-meta"><strong>{AUTHORS[message.author_type] ?? message.author_type}</strong> · {formatDateTime(message.created_at)}</p>
            <p class="message-body">{message.body}</p>
          </li>
        ))}
      </ol>
      {open && (
        <form onSubmit={onSubmit(send)}>
          <Field id="reply" label="Your reply" required multiline maxLength={FIELD_LIMITS.ticketText} value={reply} onInput={setReply} error={fieldError(action.error, 'body')} />
          <p class="actions">
            <button type="submit" disabled={action.busy}>Send reply</button>
            <button type="button" class="secondary" disabled={action.busy} onClick={() => void close()}>Close request</button>
          </p>
        </form>
      )}
      {(data.photos ?? []).length > 0 && <SentPhotos photos={data.photos ?? []} />}
      {open && <AttachPhotoForm ticketId={data.id} onAttached={reload} />}
      {data.csat_requested && data.csat_rating === null && (
        <section aria-labelledby="rating-heading" class="card">
          <h2 id="rating-heading">How helpful was our answer?</h2>
          <p class="hint">One click sends your rating: 1 is poor, 5 is great.</p>
          <p class="rating actions">
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} type="button" class="secondary" disabled={action.busy} onClick={() => void rate(n)}>
                {n}<span class="visually-hidden"> out of 5</span>
              </button>
            ))}
          </p>
        </section>
      )}
      {data.csat_rating !== null && <p>You rated this answer {data.csat_rating} out of 5.</p>}
    </>
  );
}

/** The photos the owner attached to the ticket. */
function SentPhotos(props: { photos: PhotoDto[] }) {
  return (
    <section aria-labelledby="ticket-photos-heading">
      <h2 id="ticket-photos-heading">Photos you sent</h2>
      <ul class="photos">
        {props.photos.map((photo) => (
          <li key={photo.id} class="card photo">
            <img src={thumbnailUrl(photo)} alt={photo.alt ?? ''} width={160} height={Math.round((160 * photo.height) / photo.width)} loading="lazy" />
            <p class="muted">{photo.alt ?? 'No description'} · {formatDateTime(photo.created_at)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Attaches a photo to the ticket (a logo or a picture for the site); an agent can then place it, for the owner's approval. */
function AttachPhotoForm(props: { ticketId: string; onAttached: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [alt, setAlt] = useState('');
  const [round, setRound] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const altError = fieldError(action.error, 'alt');
  const submit = () => (!file ? Promise.resolve() : action.run(async () => {
    setNotice(null);
    const query = alt.trim() ? `?${new URLSearchParams({ alt: alt.trim() }).toString()}` : '';
    await ownerUpload<PhotoDto>(`/tickets/${props.ticketId}/photos${query}`, file);
    setNotice(`${file.name} is attached to your request.`);
    setFile(null);
    setAlt('');
    setRound((n) => n + 1);
    props.onAttached();
  }));
  return (
    <section aria-labelledby="attach-heading" class="card">
      <h2 id="attach-heading">Send a photo</h2>
      <p class="hint">A logo or a picture for your site: our team can place it, and you approve the change before it goes live.</p>
      {notice && <Notice kind="success">{notice}</Notice>}
      <form onSubmit={onSubmit(submit)}>
        <PhotoFileInput id="ticket-photo-file" error={action.error && !altError ? action.error.message : undefined} reset={round} onChange={setFile} />
        <Field id="ticket-photo-alt" label="What the photo shows" maxLength={ALT_MAX} value={alt} onInput={setAlt} error={altError} />
        <button type="submit" disabled={action.busy || !file}>{action.busy ? 'Sending…' : 'Send photo'}</button>
      </form>
    </section>
  );
}
