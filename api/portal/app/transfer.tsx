import { useState } from 'preact/hooks';
import { adoptSession, ownerCall, publicCall } from './api.js';
import { PublicShell, SitePage, type OwnedSite } from './account.js';
import type { PendingTransferDto } from './ownership.js';
import { navigate, takeLinkToken } from './router.js';
import { Field, formatDate, formatDateTime, Notice, onSubmit, PageTitle, useAction, useLoad } from './ui.js';

/** The owner's transfer of one site (`/account/site-transfer?site_id=`): offer it to someone, see and cancel a pending offer. */
export function SiteTransferPage(props: { url: URL }) {
  return <SitePage url={props.url}>{(site) => <SiteTransfer key={site.site_id} site={site} />}</SitePage>;
}

function SiteTransfer(props: { site: OwnedSite }) {
  const { site } = props;
  const pending = useLoad(() => ownerCall<{ transfer: PendingTransferDto | null }>('GET', `/customer/sites/${site.site_id}/transfer`), [site.site_id]);
  const [email, setEmail] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const start = () => action.run(async () => {
    const sent = await ownerCall<PendingTransferDto>('POST', `/customer/sites/${site.site_id}/transfer`, { recipient_email: email });
    setNotice(`We emailed ${sent.recipient_email} an invitation. They have until ${formatDate(sent.expires_at)} to accept.`);
    setEmail('');
    pending.reload();
  });
  const cancel = () => action.run(async () => {
    await ownerCall('POST', `/customer/sites/${site.site_id}/transfer/cancel`);
    setNotice('The transfer was cancelled; the emailed link no longer works.');
    pending.reload();
  });
  const transfer = pending.data?.transfer ?? null;
  return (
    <>
      <PageTitle>Transfer {site.site_title}</PageTitle>
      {notice && <Notice kind="success">{notice}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {pending.error && <Notice kind="error">{pending.error.message}</Notice>}
      <section class="card" aria-labelledby="transfer-how">
        <h2 id="transfer-how">How a transfer works</h2>
        <ul>
          <li>The new owner gets an email and accepts within 7 days, signing in or creating their account from the link.</li>
          <li>Once they accept, the site leaves your account and your subscription for it stops: nothing more is charged to you.</li>
          <li>The period you already paid keeps the site online while they activate the subscription in their name; their first period starts when yours ends.</li>
        </ul>
      </section>
      {transfer ? (
        <section class="card" aria-labelledby="transfer-pending">
          <h2 id="transfer-pending">Waiting for {transfer.recipient_email}</h2>
          <p>Sent {formatDateTime(transfer.requested_at)}. The invitation expires {formatDateTime(transfer.expires_at)}.</p>
          <button type="button" class="danger" disabled={action.busy} onClick={() => void cancel()}>Cancel the transfer</button>
        </section>
      ) : pending.data && (
        <form class="card" aria-labelledby="transfer-start" onSubmit={onSubmit(start)}>
          <h2 id="transfer-start">Transfer to another person</h2>
          <Field id="recipient-email" label="New owner’s email address" type="email" autoComplete="off" required value={email} onInput={setEmail} />
          <button type="submit" disabled={action.busy}>Send the invitation</button>
        </form>
      )}
    </>
  );
}

interface Invitation {
  site_title: string;
  from_name: string;
  recipient_email: string;
  expires_at: string;
  has_password: boolean;
}

/** The page behind the emailed transfer invitation: sign in with the account's password (or choose the first one) and accept. */
export function AcceptTransferPage(props: { url: URL }) {
  const [token] = useState(takeLinkToken);
  const siteId = props.url.searchParams.get('site') ?? '';
  const invitation = useLoad(
    () => (token && siteId ? publicCall<Invitation>('GET', `/customer/transfers/invitation?site_id=${encodeURIComponent(siteId)}&token=${encodeURIComponent(token)}`) : Promise.reject(new Error('This link is incomplete. Open the link from your email again.'))),
    [token, siteId],
  );
  const [password, setPassword] = useState('');
  const action = useAction();
  const accept = () => action.run(async () => {
    adoptSession(await publicCall('POST', '/customer/transfers/accept', { site_id: siteId, token, password }));
    navigate(`/account/subscription?site_id=${siteId}`, true);
  });
  const offer = invitation.data;
  return (
    <PublicShell>
      <PageTitle>Accept a website</PageTitle>
      {invitation.error && <Notice kind="error">{invitation.error.message}</Notice>}
      {!offer && !invitation.error && <p>Loading…</p>}
      {offer && (
        <>
          <p>{offer.from_name} is transferring <strong>{offer.site_title}</strong> to you ({offer.recipient_email}). Accept before {formatDate(offer.expires_at)}.</p>
          <p>After accepting you activate the monthly subscription in your name; the previous owner’s paid period keeps the site online until then.</p>
          {action.error && <Notice kind="error">{action.error.message}</Notice>}
          <form onSubmit={onSubmit(accept)}>
            {offer.has_password
              ? <Field id="current-password" label="Your WebMagic password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
              : <Field id="new-password" label="Choose a password for your account" type="password" autoComplete="new-password" minLength={10} required
                hint="At least 10 characters, with at least two kinds of characters (lower-case, upper-case, digits, symbols)." value={password} onInput={setPassword} />}
            <button type="submit" disabled={action.busy}>Accept {offer.site_title}</button>
          </form>
          {offer.has_password && <p><a href="/account/forgot-password">Forgot your password?</a></p>}
        </>
      )}
    </PublicShell>
  );
}
