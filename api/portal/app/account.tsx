import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OwnedSiteDto } from '../../schemas/answers.js';
import { adoptSession, ApiError, ownerCall, publicCall, signOut, type Profile } from './api.js';
import { navigate, takeLinkToken } from './router.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { Field, fieldError, FormError, formatDate, Notice, onSubmit, PageTitle, useAction, useLoad } from './ui.js';

/** A site as /customer/my-sites lists it. */
export type OwnedSite = OwnedSiteDto;

/** The answer of /customer/my-sites. */
export interface MySites {
  sites: OwnedSite[];
  total: number;
  has_multiple_sites: boolean;
}

/**
 * The per-site pages of the portal, in the order of the site navigation; each takes `?site_id=`. Owner-only pages
 * (their API routes need an owner-only action of api/auth/permissions.ts) are not shown to collaborators.
 */
export const SITE_SECTIONS: { path: string; label: string; ownerOnly?: true }[] = [
  { path: '/account/edits', label: 'Changes' },
  { path: '/account/bookings', label: 'Bookings' },
  { path: '/account/analytics', label: 'Analytics' },
  { path: '/account/subscription', label: 'Billing', ownerOnly: true },
  { path: '/account/domain', label: 'Domain', ownerOnly: true },
  { path: '/account/collaborators', label: 'Collaborators', ownerOnly: true },
  { path: '/account/support', label: 'Support' },
  { path: '/account/site-transfer', label: 'Transfer' },
];

/** The per-site pages the customer's role on `site` opens. */
export function sectionsFor(site: OwnedSite): typeof SITE_SECTIONS {
  return SITE_SECTIONS.filter((section) => !section.ownerOnly || site.role === 'owner');
}

/** A per-site page: the account shell around the selected site's content, or a line saying the owner has none. */
export function SitePage(props: { url: URL; children: (site: OwnedSite) => ComponentChildren }) {
  return <AccountShell url={props.url}>{({ site }) => (site ? props.children(site) : <p>You do not own a site yet.</p>)}</AccountShell>;
}

/** Public pages (sign-in, emailed links, landing page): brand header and a narrow main column. */
export function PublicShell(props: { children: ComponentChildren }) {
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar"><a class="brand" href="/account">WebMagic</a></header>
      <main id="main" class="narrow">{props.children}</main>
    </>
  );
}

/**
 * Signed-in pages: header with navigation, the site selector (every per-site page is scoped by `?site_id=`)
 * and sign-out. Sends signed-out visitors to sign-in and back here afterwards.
 */
export function AccountShell(props: { url: URL; children: (scope: { sites: MySites; site: OwnedSite | null }) => ComponentChildren }) {
  const { data, error } = useLoad(() => ownerCall<MySites>('GET', '/customer/my-sites'), [props.url.pathname]);
  useEffect(() => {
    if (error?.status === 401) navigate(`/account/sign-in?next=${encodeURIComponent(props.url.pathname + props.url.search)}`, true);
  }, [error]);
  const requested = props.url.searchParams.get('site_id');
  const site = data ? (data.sites.find((s) => s.site_id === requested) ?? data.sites.find((s) => s.is_primary) ?? data.sites[0] ?? null) : null;
  const inSection = SITE_SECTIONS.some((section) => props.url.pathname.startsWith(section.path));
  const current = (path: string) => (props.url.pathname === path || (path !== '/account' && props.url.pathname.startsWith(path)) ? 'page' : undefined);

  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href="/account">WebMagic</a>
        <nav aria-label="Account">
          <ul>
            <li><a href="/account" aria-current={current('/account')}>My sites</a></li>
            {site && sectionsFor(site).map((section) => (
              <li key={section.path}><a href={`${section.path}?site_id=${site.site_id}`} aria-current={current(section.path)}>{section.label}</a></li>
            ))}
            <li><a href="/account/profile" aria-current={current('/account/profile')}>Profile</a></li>
            <li><a href="/account/privacy" aria-current={current('/account/privacy')}>Privacy</a></li>
            <li><SignOutButton /></li>
          </ul>
        </nav>
      </header>
      {data && data.sites.length > 1 && inSection && site && <SiteSelector key={site.site_id} sites={data.sites} site={site} url={props.url} />}
      <main id="main">
        {error && error.status !== 401 && <Notice kind="error">{error.message}</Notice>}
        {data ? props.children({ sites: data, site }) : !error && <p>Loading…</p>}
      </main>
    </>
  );
}

/**
 * Which site a per-site page is about. Choosing in the list changes nothing until the owner presses "Show"
 * (arrow keys move through the list without leaving the page); a ticket or change page goes back to its list.
 */
function SiteSelector(props: { sites: OwnedSite[]; site: OwnedSite; url: URL }) {
  const [chosen, setChosen] = useState(props.site.site_id);
  const primary = props.sites.find((s) => s.is_primary && s.site_id !== props.site.site_id);
  const show = (event: Event) => {
    event.preventDefault();
    if (chosen === props.site.site_id) return;
    const path = props.url.pathname.replace(/^(\/account\/(?:support|edits))\/.+$/, '$1');
    navigate(`${path}?site_id=${chosen}`);
  };
  return (
    <form class="site-selector" onSubmit={show}>
      <label for="site-selector">Site</label>
      <select id="site-selector" value={chosen} onChange={(event) => setChosen(event.currentTarget.value)} aria-describedby={primary ? 'site-selector-primary' : undefined}>
        {props.sites.map((s) => <option key={s.site_id} value={s.site_id}>{s.site_title}{s.is_primary ? ' (primary)' : ''}</option>)}
      </select>
      <button type="submit" class="secondary" disabled={chosen === props.site.site_id}>Show</button>
      {primary && <p class="hint" id="site-selector-primary">Your primary site is {primary.site_title}.</p>}
    </form>
  );
}

function SignOutButton() {
  return (
    <button type="button" class="link-button" onClick={() => {
      void signOut().finally(() => navigate('/account/sign-in?signed_out=1'));
    }}>Sign out</button>
  );
}

/** The page a `next` parameter may send the owner back to: only portal pages of this origin. */
function safeNext(url: URL): string {
  const next = url.searchParams.get('next');
  return next && /^\/account(\/|\?|$)/.test(next) ? next : '/account';
}

/** Sign in with email and password. */
export function SignInPage(props: { url: URL }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = () => action.run(async () => {
    adoptSession(await publicCall('POST', '/customer/login', { email, password }));
    navigate(safeNext(props.url), true);
  });
  return (
    <PublicShell>
      <PageTitle>Sign in</PageTitle>
      {props.url.searchParams.has('signed_out') && <Notice kind="info">You are signed out.</Notice>}
      <FormError error={action.error} fields={['email', 'password']} />
      <form onSubmit={onSubmit(submit)}>
        <Field id="email" label="Email address" type="email" autoComplete="email" required maxLength={FIELD_LIMITS.email} value={email} onInput={setEmail} error={fieldError(action.error, 'email')} />
        <Field id="password" label="Password" type="password" autoComplete="current-password" required maxLength={FIELD_LIMITS.password.max} value={password} onInput={setPassword} error={fieldError(action.error, 'password')} />
        <button type="submit" disabled={action.busy}>Sign in</button>
      </form>
      <p><a href="/account/forgot-password">Forgot your password?</a></p>
    </PublicShell>
  );
}

/** Ask for a password-reset link. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction();
  const submit = () => action.run(async () => {
    setSent((await publicCall<{ message: string }>('POST', '/customer/forgot-password', { email })).message);
  });
  return (
    <PublicShell>
      <PageTitle>Reset your password</PageTitle>
      {sent ? <Notice kind="success">{sent}</Notice> : (
        <>
          <p>Enter the email address of your account and we will email you a link to choose a new password.</p>
          <FormError error={action.error} fields={['email']} />
          <form onSubmit={onSubmit(submit)}>
            <Field id="email" label="Email address" type="email" autoComplete="email" required maxLength={FIELD_LIMITS.email} value={email} onInput={setEmail} error={fieldError(action.error, 'email')} />
            <button type="submit" disabled={action.busy}>Email me a link</button>
          </form>
        </>
      )}
      <p><a href="/account/sign-in">Back to sign in</a></p>
    </PublicShell>
  );
}

const PASSWORD_HINT = `At least ${FIELD_LIMITS.password.min} characters, with at least two kinds of characters (lower-case, upper-case, digits, symbols).`;

type LinkPurpose = 'reset_password' | 'set_password' | 'verify_email';

/** Asks the API, without spending the link, whether it can still be used; null while asking. */
function useLinkState(token: string | null, purpose: LinkPurpose): 'usable' | 'used' | 'expired' | 'invalid' | 'missing' | null {
  const { data, error } = useLoad(
    () => (token ? publicCall<{ state: 'usable' | 'used' | 'expired' | 'invalid' }>('POST', '/customer/link-state', { token, purpose }) : Promise.resolve(null)),
    [token],
  );
  if (!token) return 'missing';
  if (error) return 'usable';
  return data?.state ?? null;
}

const LINK_GONE: Record<LinkPurpose, Record<'used' | 'expired' | 'invalid' | 'missing', string>> = {
  reset_password: {
    used: 'You already chose a new password with this link, so it cannot be used again. Sign in with your new password, or ask for a new link if you have forgotten it.',
    expired: 'Password links work for one hour. Ask for a new link and use it within the hour.',
    invalid: 'This link is not one we sent, or a newer link replaced it. Ask for a new link.',
    missing: 'Part of the link is missing. Open the link from your email again, or ask for a new one.',
  },
  set_password: {
    used: 'You already set your password with this link, so it cannot be used again. Sign in with that password, or ask for a reset link if you have forgotten it.',
    expired: 'This link has expired. Ask for a password link and we will email you a new one.',
    invalid: 'This link is not one we sent, or a newer link replaced it. Ask for a new link.',
    missing: 'Part of the link is missing. Open the link from your email again, or ask for a new one.',
  },
  verify_email: {
    used: 'This confirmation link was already used. If you confirmed your address with it, there is nothing more to do: sign in.',
    expired: 'This confirmation link has expired. Sign in and ask for a new one from your profile.',
    invalid: 'This link is not one we sent, or a newer link replaced it. Sign in and ask for a new one.',
    missing: 'Part of the link is missing. Open the link from your email again.',
  },
};

const LINK_GONE_TITLES = { used: 'This link was already used', expired: 'This link has expired', invalid: 'This link is not valid', missing: 'This link is incomplete' } as const;

/** The whole page for a link that cannot be used any more: what happened, once, and the way on. */
function LinkGone(props: { purpose: LinkPurpose; state: 'used' | 'expired' | 'invalid' | 'missing' }) {
  return (
    <PublicShell>
      <PageTitle>{LINK_GONE_TITLES[props.state]}</PageTitle>
      <p>{LINK_GONE[props.purpose][props.state]}</p>
      <p class="actions">
        <a class="button" href="/account/sign-in">Sign in</a>
        {props.purpose !== 'verify_email' && <a href="/account/forgot-password">Ask for a new link</a>}
      </p>
    </PublicShell>
  );
}

/** The pages behind emailed set-password and reset links: choose a password, then continue signed in. */
export function PasswordLinkPage(props: { purpose: 'set' | 'reset' }) {
  const [token] = useState(takeLinkToken);
  const purpose = props.purpose === 'set' ? 'set_password' : 'reset_password';
  const state = useLinkState(token, purpose);
  const [password, setPassword] = useState('');
  const action = useAction();
  const title = props.purpose === 'set' ? 'Set your password' : 'Choose a new password';
  const submit = () => action.run(async () => {
    adoptSession(await publicCall('POST', props.purpose === 'set' ? '/customer/set-password' : '/customer/reset-password', { token, password }));
    navigate('/account?welcome=1', true);
  });
  if (state === null) return <PublicShell><p>Checking your link…</p></PublicShell>;
  if (state !== 'usable') return <LinkGone purpose={purpose} state={state} />;
  return (
    <PublicShell>
      <PageTitle>{title}</PageTitle>
      <p>{props.purpose === 'set' ? 'Choose a password for your WebMagic account.' : 'Enter a new password for your WebMagic account.'}</p>
      <FormError error={action.error} fields={['password']} codes={['weak_password']} />
      {action.error?.code === 'invalid_token' && <p><a href="/account/forgot-password">Ask for a new link.</a></p>}
      <form onSubmit={onSubmit(submit)}>
        <Field id="new-password" label="New password" type="password" autoComplete="new-password" minLength={FIELD_LIMITS.password.min} maxLength={FIELD_LIMITS.password.max}
          required hint={PASSWORD_HINT} value={password} onInput={setPassword} error={fieldError(action.error, 'password', ['weak_password'])} />
        <button type="submit" disabled={action.busy}>{title}</button>
      </form>
    </PublicShell>
  );
}

/**
 * The page behind the emailed confirmation link. Confirming takes the account's password, so a link can never
 * vouch for a password that someone else set on an unverified account (mail scanners only fetch the page).
 */
export function VerifyEmailPage() {
  const [token] = useState(takeLinkToken);
  const state = useLinkState(token, 'verify_email');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const submit = () => action.run(async () => {
    setDone((await publicCall<{ message: string }>('POST', '/customer/verify-email', { token, password })).message);
  });
  if (state === null) return <PublicShell><p>Checking your link…</p></PublicShell>;
  if (state !== 'usable' && !done) return <LinkGone purpose="verify_email" state={state} />;
  return (
    <PublicShell>
      <PageTitle>Confirm your email address</PageTitle>
      {done ? <><Notice kind="success">{done}</Notice><p><a href="/account/sign-in">Sign in</a></p></> : !token ? <Notice kind="error">This link is incomplete. Open the link from your email again.</Notice> : (
        <>
          <p>Enter the password of your WebMagic account to confirm this email address.</p>
          <FormError error={action.error} fields={['password']} codes={['wrong_password']} />
          <form onSubmit={onSubmit(submit)}>
            <Field id="current-password" label="Your password" type="password" autoComplete="current-password" required maxLength={FIELD_LIMITS.password.max} value={password} onInput={setPassword}
              error={fieldError(action.error, 'password', ['wrong_password'])} />
            <button type="submit" disabled={action.busy}>Confirm email address</button>
          </form>
        </>
      )}
    </PublicShell>
  );
}

interface ClaimStatus {
  status: string;
  ready: boolean;
  site_title: string;
  site_url: string;
  next_step: 'set_password' | 'sign_in' | null;
  activation_deadline: string | null;
}

/** Claim statuses in which the purchase is still under way. */
const CLAIM_IN_PROGRESS = ['awaiting_payment', 'processing_payment', 'checking_site', 'awaiting_claimant'];

/** Where the provider's checkout returns the buyer: payment received, then "your site is ready" once the claim finished. */
export function WelcomePage(props: { url: URL }) {
  const workflowId = props.url.searchParams.get('claim') ?? '';
  const [claim, setClaim] = useState<ClaimStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let timer: number | undefined;
    const poll = async () => {
      try {
        const status = await publicCall<ClaimStatus>('GET', `/claims/status?workflow_id=${encodeURIComponent(workflowId)}`);
        setClaim(status);
        if (!status.ready && CLAIM_IN_PROGRESS.includes(status.status)) timer = window.setTimeout(() => void poll(), 1500);
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : new ApiError(0, 'network_error', 'We could not check your purchase; reload the page to try again.', {}));
      }
    };
    void poll();
    return () => window.clearTimeout(timer);
  }, [workflowId]);
  return (
    <PublicShell>
      {claim?.ready ? <ClaimReady claim={claim} /> : (
        <>
          <PageTitle>Payment received</PageTitle>
          {error ? <Notice kind="error">{error.message}</Notice> : <Notice kind="info">Thank you! We are setting up {claim?.site_title ?? 'your site'}; this page updates by itself.</Notice>}
          {claim && !claim.ready && !CLAIM_IN_PROGRESS.includes(claim.status) && (
            <p>This purchase could not be completed ({claim.status.replace(/_/g, ' ')}). If you were charged, the payment is refunded; contact us if you need help.</p>
          )}
        </>
      )}
    </PublicShell>
  );
}

/** The finished purchase: what the buyer does next, for a new owner (set a password) or one who has an account (sign in). */
function ClaimReady(props: { claim: ClaimStatus }) {
  const { claim } = props;
  const returning = claim.next_step === 'sign_in';
  return (
    <>
      <PageTitle>Your site is ready</PageTitle>
      <Notice kind="success">{claim.site_title} now belongs to you.</Notice>
      <h2>What to do next</h2>
      <ol class="steps">
        {returning
          ? <li>Sign in to your dashboard with your WebMagic account: {claim.site_title} is listed there beside your other sites.</li>
          : <li>Set your password with the link we emailed you (look for “Welcome to WebMagic”).</li>}
        <li>
          Activate the monthly subscription to keep the site online
          {claim.activation_deadline ? <> — by <strong>{formatDate(claim.activation_deadline)}</strong>; after that date the site is suspended until it is activated.</> : '.'}
        </li>
      </ol>
      {returning ? (
        <p class="actions"><a class="button" href="/account/sign-in?next=%2Faccount">Sign in to your dashboard</a> <a class="button secondary" href={claim.site_url}>View your site</a></p>
      ) : (
        <p class="actions"><a class="button" href={claim.site_url}>View your site</a> <a href="/account/sign-in">Password already set? Sign in</a></p>
      )}
    </>
  );
}

/** Name, phone and password of the signed-in owner. */
export function ProfilePage(props: { url: URL }) {
  return <AccountShell url={props.url}>{() => <ProfileForms />}</AccountShell>;
}

function ProfileForms() {
  const { data } = useLoad(() => ownerCall<Profile>('GET', '/customer/me'), []);
  const [name, setName] = useState<string | null>(null);
  const [phone, setPhone] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState<string | null>(null);
  const profile = useAction();
  const password = useAction();
  if (!data) return <p>Loading…</p>;
  const saveProfile = () => profile.run(async () => {
    setSaved(false);
    const phoneValue = (phone ?? data.phone ?? '').trim();
    await ownerCall('PUT', '/customer/profile', { full_name: (name ?? data.full_name).trim(), phone: phoneValue === '' ? null : phoneValue });
    setSaved(true);
  });
  const changePassword = () => password.run(async () => {
    setChanged((await ownerCall<{ message: string }>('POST', '/customer/change-password', { current_password: current, new_password: next })).message);
    setCurrent('');
    setNext('');
  });
  return (
    <>
      <PageTitle>Profile</PageTitle>
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">Your details</h2>
        <p>Email address: <strong>{data.email}</strong>{data.email_verified ? ' (confirmed)' : ' (not confirmed yet)'}</p>
        {saved && <Notice kind="success">Your details are saved.</Notice>}
        <FormError error={profile.error} fields={['full_name', 'phone']} />
        <form onSubmit={onSubmit(saveProfile)}>
          <Field id="full-name" label="Full name" autoComplete="name" required maxLength={FIELD_LIMITS.fullName} value={name ?? data.full_name} onInput={setName} error={fieldError(profile.error, 'full_name')} />
          <Field id="phone" label="Phone (optional)" type="tel" autoComplete="tel" minLength={FIELD_LIMITS.phone.min} maxLength={FIELD_LIMITS.phone.max} hint="Digits, with + ( ) - . or spaces if you like."
            value={phone ?? data.phone ?? ''} onInput={setPhone} error={fieldError(profile.error, 'phone')} />
          <button type="submit" disabled={profile.busy}>Save details</button>
        </form>
      </section>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        {changed && <Notice kind="success">{changed}</Notice>}
        <FormError error={password.error} fields={['current_password', 'new_password']} codes={['wrong_password', 'weak_password']} />
        <form onSubmit={onSubmit(changePassword)}>
          <Field id="current-password" label="Current password" type="password" autoComplete="current-password" required maxLength={FIELD_LIMITS.password.max} value={current} onInput={setCurrent}
            error={fieldError(password.error, 'current_password', ['wrong_password'])} />
          <Field id="new-password" label="New password" type="password" autoComplete="new-password" minLength={FIELD_LIMITS.password.min} maxLength={FIELD_LIMITS.password.max} required hint={PASSWORD_HINT}
            value={next} onInput={setNext} error={fieldError(password.error, 'new_password', ['weak_password'])} />
          <button type="submit" disabled={password.busy}>Change password</button>
        </form>
      </section>
    </>
  );
}
