import { useState } from 'preact/hooks';
import { ownerCall } from './api.js';
import { SitePage, type OwnedSite } from './account.js';
import { formatDateTime, humanize, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

/** A booking or contact request as `/customer/sites/:siteId/bookings` answers it. */
interface Booking {
  id: string;
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  preferred_time: string | null;
  message: string | null;
  status: string;
  created_at: string;
  status_changed_at: string | null;
}

const STATUSES = ['new', 'contacted', 'booked', 'closed', 'spam'];
const PAGE = 20;

/** Bookings and contact requests visitors sent through one site's form (`/account/bookings?site_id=`). */
export function BookingsPage(props: { url: URL }) {
  return (
    <SitePage url={props.url}>{(site) => <Bookings key={site.site_id} site={site} />}</SitePage>
  );
}

function Bookings(props: { site: OwnedSite }) {
  const { site } = props;
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const { data, error, reload } = useLoad(
    () => ownerCall<{ bookings: Booking[]; total: number }>('GET', `/customer/sites/${site.site_id}/bookings?limit=${PAGE}&offset=${offset}${filter ? `&status=${filter}` : ''}`),
    [site.site_id, filter, offset],
  );
  return (
    <>
      <PageTitle>Bookings — {site.site_title}</PageTitle>
      <p>Messages and booking requests visitors sent through the contact form of your site, newest first.</p>
      <div class="field inline">
        <label for="booking-filter">Show</label>
        <select id="booking-filter" value={filter} onChange={(event) => {
          setFilter(event.currentTarget.value);
          setOffset(0);
        }}>
          <option value="">All requests</option>
          {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
        </select>
      </div>
      {notice && <Notice kind="success">{notice}</Notice>}
      {error && <Notice kind="error">{error.message}</Notice>}
      {data && data.bookings.length === 0 && <p>No requests {filter ? `marked “${humanize(filter).toLowerCase()}”` : 'yet'}.</p>}
      {data && data.bookings.length > 0 && (
        <ul class="tickets" aria-label="Requests">
          {data.bookings.map((booking) => (
            <BookingCard key={booking.id} site={site} booking={booking} onMarked={(status) => {
              setNotice(`${booking.name}’s request is marked ${humanize(status).toLowerCase()}.`);
              reload();
            }} />
          ))}
        </ul>
      )}
      {data && data.total > PAGE && (
        <p class="actions">
          {offset > 0 && <button type="button" class="secondary" onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer requests</button>}
          {offset + PAGE < data.total && <button type="button" class="secondary" onClick={() => setOffset(offset + PAGE)}>Older requests</button>}
        </p>
      )}
    </>
  );
}

function BookingCard(props: { site: OwnedSite; booking: Booking; onMarked: (status: string) => void }) {
  const { booking } = props;
  const [status, setStatus] = useState(booking.status);
  const action = useAction();
  const fieldId = `booking-status-${booking.id}`;
  const save = () => action.run(async () => {
    await ownerCall('PATCH', `/customer/sites/${props.site.site_id}/bookings/${booking.id}`, { status });
    props.onMarked(status);
  });
  return (
    <li class="card">
      <h2 class="booking-name">{booking.name} <StatusBadge status={booking.status} /></h2>
      <dl class="facts">
        <div><dt>Kind</dt><dd>{booking.kind === 'booking' ? 'Booking request' : 'Contact request'}</dd></div>
        <div><dt>Received</dt><dd>{formatDateTime(booking.created_at)}</dd></div>
        {booking.email && <div><dt>Email</dt><dd><a href={`mailto:${booking.email}`}>{booking.email}</a></dd></div>}
        {booking.phone && <div><dt>Phone</dt><dd><a href={`tel:${booking.phone.replace(/[^0-9+]/g, '')}`}>{booking.phone}</a></dd></div>}
        <div><dt>Preferred time</dt><dd>{booking.preferred_time ?? 'Not given'}</dd></div>
      </dl>
      {booking.message && <p class="message-body">{booking.message}</p>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      <form class="inline-form" onSubmit={onSubmit(save)}>
        <div class="field">
          <label for={fieldId}>Mark {booking.name}’s request as</label>
          <select id={fieldId} value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{humanize(s)}</option>)}
          </select>
        </div>
        <button type="submit" disabled={action.busy || status === booking.status}>Save<span class="visually-hidden"> status of {booking.name}’s request</span></button>
      </form>
    </li>
  );
}
