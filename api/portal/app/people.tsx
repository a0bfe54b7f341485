import { useState } from 'preact/hooks';
import { adoptSession, ApiError, ownerCall, publicCall } from './api.js';
import { PublicShell, SitePage, type OwnedSite } from './account.js';
import { navigate, takeLinkToken } from './router.js';
import { Field, formatDate, Notice, onSubmit, PageTitle, useAction, useLoad } from './ui.js';

/** A site's people as /customer/sites/:siteId/collaborators answers them. */
interface SitePeople {
  collaborators: { customer_id: string; name: string; email: string; since: string }[];
  invitations: { id: string; email: string; invited_at: string; expires_at: string }[];
}

/** The owner's collaborators page (`/account/collaborators?site_id=`): invite by email, pending invitations, current collaborators. */
export function CollaboratorsPage(props: { url: URL }) {
  return <SitePage url={props.url}>{(site) => <Collaborators key={site.site_id} site={site} />}</SitePage>;
}

function Collaborators(props: { site: OwnedSite }) {
  const path = `/customer/sites/${props.site.site_id}/collaborators`;
  const loaded = useLoad(() => ownerCall<SitePeople>('GET', path), [path]);
  const [people, setPeople] = useState<SitePeople | null>(null);
  const [email, setEmail] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const shown = people ?? loaded.data;
  const change = (done: string, call: () => Promise<SitePeople>) => action.run(async () => {
    setNotice(null);
    setPeople(await call());
    setNotice(done);
  });
  const invite = () => change(`We emailed an invitation to ${email.trim()}. It can be accepted for 7 days.`, async () => {
    const answer = await ownerCall<SitePeople>('POST', `${path}/invitations`, { email: email.trim() });
    setEmail('');
    return answer;
  });
  return (
    <>
      <PageTitle>Collaborators of {props.site.site_title}</PageTitle>
      <p>Collaborators see this site’s analytics, bookings, versions and changes, and can open support requests about it. Billing, the domain and the collaborators stay yours.</p>
      {loaded.error && <Notice kind="error">{loaded.error.message}</Notice>}
      {notice && <Notice kind="success">{notice}</Notice>}
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">Invite someone</h2>
        <form onSubmit={onSubmit(invite)}>
          <Field id="invite-email" label="Their email address" type="email" autoComplete="off" required value={email} onInput={setEmail} />
          <button type="submit" disabled={action.busy}>Send invitation</button>
        </form>
      </section>
      {shown && (
        <>
          <section aria-labelledby="pending-heading">
            <h2 id="pending-heading">Pending invitations</h2>
            {shown.invitations.length === 0 ? <p>No pending invitations.</p> : (
              <ul class="rows">
                {shown.invitations.map((i) => (
                  <li key={i.id}>
                    <span><strong>{i.email}</strong> — invited {formatDate(i.invited_at)}, expires {formatDate(i.expires_at)}</span>
                    <button type="button" class="secondary" disabled={action.busy} onClick={() => void change(`The invitation to ${i.email} is cancelled.`, () => ownerCall<SitePeople>('DELETE', `${path}/invitations/${i.id}`))}>
                      Cancel<span class="visually-hidden"> the invitation to {i.email}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="current-heading">
            <h2 id="current-heading">Collaborators</h2>
            {shown.collaborators.length === 0 ? <p>Nobody collaborates on this site yet.</p> : (
              <ul class="rows">
                {shown.collaborators.map((c) => (
                  <li key={c.customer_id}>
                    <span><strong>{c.name}</strong> ({c.email}) — since {formatDate(c.since)}</span>
                    <button type="button" class="secondary" disabled={action.busy} onClick={() => {
                      if (window.confirm(`Remove ${c.name} from ${props.site.site_title}? They will no longer see the site.`)) void change(`${c.name} no longer collaborates on this site.`, () => ownerCall<SitePeople>('DELETE', `${path}/${c.customer_id}`));
                    }}>
                      Remove<span class="visually-hidden"> {c.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}

/** What an invitation link is for, as /customer/invitations/lookup answers it. */
interface Invitation {
  site_title: string;
  inviter_name: string;
  email: string;
  has_account: boolean;
  expires_at: string;
}

/** The page behind the emailed invitation (`/account/invitation?token=`): accept by signing in, or by creating an account. */
export function InvitationPage() {
  const [token] = useState(takeLinkToken);
  const loaded = useLoad(() => (token ? publicCall<Invitation>('POST', '/customer/invitations/lookup', { token }) : Promise.reject(new ApiError(400, 'invalid_token', 'This link is incomplete. Open the link from your email again.', {}))), [token]);
  const invitation = loaded.data;
  return (
    <PublicShell>
      <PageTitle>{invitation ? `Join ${invitation.site_title}` : 'Your invitation'}</PageTitle>
      {loaded.error && <Notice kind="error">{loaded.error.message}</Notice>}
      {!invitation && !loaded.error && <p>Loading…</p>}
      {invitation && token && <AcceptForm token={token} invitation={invitation} />}
    </PublicShell>
  );
}

function AcceptForm(props: { token: string; invitation: Invitation }) {
  const { invitation, token } = props;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const accept = () => action.run(async () => {
    if (invitation.has_account) {
      adoptSession(await publicCall('POST', '/customer/login', { email: invitation.email, password }));
      const { site_id } = await ownerCall<{ site_id: string }>('POST', '/customer/invitations/accept', { token });
      navigate(`/account/analytics?site_id=${site_id}`, true);
    } else {
      adoptSession(await publicCall('POST', '/customer/invitations/accept-new', { token, full_name: name.trim(), password }));
      navigate('/account?welcome=1', true);
    }
  });
  return (
    <>
      <p>{invitation.inviter_name} invited <strong>{invitation.email}</strong> to collaborate on {invitation.site_title}: you will see its analytics and bookings and can open support requests about it. The invitation is open until {formatDate(invitation.expires_at)}.</p>
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      <form onSubmit={onSubmit(accept)}>
        {invitation.has_account ? (
          <Field id="current-password" label={`Password of ${invitation.email}`} type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
        ) : (
          <>
            <Field id="full-name" label="Your name" autoComplete="name" required value={name} onInput={setName} />
            <Field id="new-password" label="Choose a password" type="password" autoComplete="new-password" minLength={10} required
              hint="At least 10 characters, with at least two kinds of characters (lower-case, upper-case, digits, symbols)." value={password} onInput={setPassword} />
          </>
        )}
        <button type="submit" disabled={action.busy}>{invitation.has_account ? 'Sign in and accept' : 'Create my account and accept'}</button>
      </form>
      {invitation.has_account && <p><a href="/account/forgot-password">Forgot your password?</a></p>}
    </>
  );
}
