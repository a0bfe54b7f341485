import { useState } from 'preact/hooks';
import { ownerCall } from './api.js';
import { AccountShell, sectionsFor, type MySites, type OwnedSite } from './account.js';
import { formatDate, formatMoney, Notice, PageTitle, StatusBadge, useAction } from './ui.js';

/** My Sites: every owned site with its status, subscription, next billing date and primary marker. */
export function MySitesPage(props: { url: URL }) {
  return <AccountShell url={props.url}>{({ sites }) => <SiteList initial={sites} welcome={props.url.searchParams.has('welcome')} />}</AccountShell>;
}

function SiteList(props: { initial: MySites; welcome: boolean }) {
  const [sites, setSites] = useState(props.initial);
  const action = useAction();
  const makePrimary = (siteId: string) => action.run(async () => {
    setSites(await ownerCall<MySites>('PUT', `/customer/sites/${siteId}/primary`));
  });
  return (
    <>
      <PageTitle>My sites</PageTitle>
      {props.welcome && <Notice kind="success">You are signed in. Welcome to your WebMagic dashboard.</Notice>}
      <ActivationReminders sites={sites.sites} />
      {action.error && <Notice kind="error">{action.error.message}</Notice>}
      {sites.sites.length === 0 ? <p>You do not own a site yet.</p> : (
        <ul class="cards">
          {sites.sites.map((site) => (
            <li key={site.site_id} class="card">
              <h2>
                {site.site_title}
                {site.is_primary && <span class="badge badge-primary">Primary</span>}
                {site.role !== 'owner' && <span class="badge">Collaborator</span>}
              </h2>
              <p><a href={site.site_url}>{site.site_url.replace(/^https?:\/\//, '')}</a></p>
              <dl class="facts">
                <div><dt>Site</dt><dd><StatusBadge status={site.status} /></dd></div>
                {site.role === 'owner' && (
                  <>
                    <div><dt>Subscription</dt><dd><StatusBadge status={site.subscription_status} /></dd></div>
                    <div><dt>Next billing date</dt><dd>{formatDate(site.next_billing_date)}</dd></div>
                    <div><dt>Monthly</dt><dd>{formatMoney(site.monthly_amount, site.currency)}</dd></div>
                    {site.grace_ends_at && <div><dt>Pay before</dt><dd>{formatDate(site.grace_ends_at)}</dd></div>}
                    {site.activation_deadline && <div><dt>Activate by</dt><dd>{formatDate(site.activation_deadline)}</dd></div>}
                  </>
                )}
              </dl>
              {site.activation_deadline && site.role === 'owner' && (
                <p class="actions">
                  <a class="button" href={`/account/subscription?site_id=${site.site_id}`}>Activate subscription<span class="visually-hidden"> for {site.site_title}</span></a>
                </p>
              )}
              <p class="actions">
                {sectionsFor(site).map((section) => <a key={section.path} class="button secondary" href={`${section.path}?site_id=${site.site_id}`}>{section.label}<span class="visually-hidden"> for {site.site_title}</span></a>)}
                {!site.is_primary && (
                  <button type="button" class="secondary" disabled={action.busy} onClick={() => void makePrimary(site.site_id)}>
                    Make primary<span class="visually-hidden"> ({site.site_title})</span>
                  </button>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The dashboard's call to activate: one line per bought site whose monthly subscription is not active yet, with its deadline. */
function ActivationReminders(props: { sites: OwnedSite[] }) {
  const pending = props.sites.filter((site) => site.activation_deadline && site.role === 'owner');
  if (pending.length === 0) return null;
  return (
    <Notice kind="info">
      <strong>Activate your monthly subscription to keep your site online.</strong>
      <ul class="plain">
        {pending.map((site) => (
          <li key={site.site_id}>
            {site.site_title}: activate by <strong>{formatDate(site.activation_deadline)}</strong> ({formatMoney(site.monthly_amount, site.currency)} a month) —{' '}
            <a href={`/account/subscription?site_id=${site.site_id}`}>activate now<span class="visually-hidden"> for {site.site_title}</span></a>
          </li>
        ))}
      </ul>
      {pending.length === 1 ? 'After that date the site is suspended until its subscription is activated.' : 'After its date, a site is suspended until its subscription is activated.'}
    </Notice>
  );
}
