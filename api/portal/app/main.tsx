import { render, type ComponentChildren } from 'preact';
import { matchPage, type PagePattern } from '../pages.js';
import './styles.css';
import { ForgotPasswordPage, PasswordLinkPage, ProfilePage, PublicShell, SignInPage, VerifyEmailPage, WelcomePage } from './account.js';
import { AnalyticsPage } from './analytics.js';
import { BatchesPage, BatchPage } from './batches.js';
import { BillingPage } from './billing.js';
import { BookingsPage } from './bookings.js';
import { ClaimCancelledPage } from './claim.js';
import { ConsoleSignInPage, ConsoleTicketPage, NeedsAttentionPage, QueuePage, StatisticsPage } from './console.js';
import { DomainPage } from './domain.js';
import { EditRequestPage, EditsPage } from './edits.js';
import { CustomerPage, SearchPage, SitePage } from './records.js';
import { ReportsPage } from './reports.js';
import { interceptLinks, useLocation } from './router.js';
import { CollaboratorsPage, InvitationPage } from './people.js';
import { PrivacyPage } from './privacy.js';
import { VisitorErasurePage } from './visitor-erasure.js';
import { MySitesPage } from './sites.js';
import { SupportPage, TicketPage } from './support.js';
import { AcceptTransferPage, SiteTransferPage } from './transfer.js';
import { ConsoleEditRequestPage, EditRequestsPage, WorkQueuePage } from './work.js';
import { PageTitle } from './ui.js';

/** A page of the app: a path pattern (`:name` captures one segment) and what it renders. */
interface Route {
  pattern: PagePattern;
  title: string;
  render: (url: URL, params: Record<string, string>) => ComponentChildren;
}

/**
 * Every page, owner portal first, then the agent console. Per-site pages read `?site_id=`; each site section is
 * in this table and in SITE_SECTIONS (account.tsx), which puts it in the navigation.
 */
const ROUTES: Route[] = [
  { pattern: '/account', title: 'My sites', render: (url) => <MySitesPage url={url} /> },
  { pattern: '/account/sign-in', title: 'Sign in', render: (url) => <SignInPage url={url} /> },
  { pattern: '/account/forgot-password', title: 'Reset your password', render: () => <ForgotPasswordPage /> },
  { pattern: '/account/reset-password', title: 'Choose a new password', render: () => <PasswordLinkPage purpose="reset" /> },
  { pattern: '/account/set-password', title: 'Set your password', render: () => <PasswordLinkPage purpose="set" /> },
  { pattern: '/account/verify-email', title: 'Confirm your email address', render: () => <VerifyEmailPage /> },
  { pattern: '/account/welcome', title: 'Payment received', render: (url) => <WelcomePage url={url} /> },
  { pattern: '/account/claim-cancelled', title: 'Claim cancelled', render: (url) => <ClaimCancelledPage url={url} /> },
  { pattern: '/account/profile', title: 'Profile', render: (url) => <ProfilePage url={url} /> },
  { pattern: '/account/subscription', title: 'Billing', render: (url) => <BillingPage url={url} /> },
  { pattern: '/account/edits', title: 'Changes', render: (url) => <EditsPage url={url} /> },
  { pattern: '/account/edits/:id', title: 'Change request', render: (url, p) => <EditRequestPage url={url} id={p.id ?? ''} /> },
  { pattern: '/account/bookings', title: 'Bookings', render: (url) => <BookingsPage url={url} /> },
  { pattern: '/account/analytics', title: 'Analytics', render: (url) => <AnalyticsPage url={url} /> },
  { pattern: '/account/domain', title: 'Domain', render: (url) => <DomainPage url={url} /> },
  { pattern: '/account/collaborators', title: 'Collaborators', render: (url) => <CollaboratorsPage url={url} /> },
  { pattern: '/account/invitation', title: 'Your invitation', render: () => <InvitationPage /> },
  { pattern: '/account/privacy', title: 'Privacy', render: (url) => <PrivacyPage url={url} /> },
  { pattern: '/account/support', title: 'Support', render: (url) => <SupportPage url={url} /> },
  { pattern: '/account/site-transfer', title: 'Transfer', render: (url) => <SiteTransferPage url={url} /> },
  { pattern: '/account/transfer', title: 'Accept a website', render: (url) => <AcceptTransferPage url={url} /> },
  { pattern: '/account/support/:id', title: 'Support request', render: (url, p) => <TicketPage url={url} id={p.id ?? ''} /> },
  { pattern: '/console/sign-in', title: 'Agent sign in', render: (url) => <ConsoleSignInPage url={url} /> },
  { pattern: '/console', title: 'Ticket queue', render: (url) => <QueuePage url={url} /> },
  { pattern: '/console/queue', title: 'Work queue', render: (url) => <WorkQueuePage url={url} /> },
  { pattern: '/console/edit-requests', title: 'Edit requests', render: (url) => <EditRequestsPage url={url} /> },
  { pattern: '/console/edit-requests/:id', title: 'Edit request', render: (url, p) => <ConsoleEditRequestPage url={url} id={p.id ?? ''} /> },
  { pattern: '/console/tickets/:id', title: 'Ticket', render: (url, p) => <ConsoleTicketPage url={url} id={p.id ?? ''} /> },
  { pattern: '/console/needs-attention', title: 'Needs attention', render: (url) => <NeedsAttentionPage url={url} /> },
  { pattern: '/console/statistics', title: 'Statistics', render: (url) => <StatisticsPage url={url} /> },
  { pattern: '/console/reports', title: 'Reports', render: (url) => <ReportsPage url={url} /> },
  { pattern: '/console/privacy', title: 'Privacy requests', render: (url) => <VisitorErasurePage url={url} /> },
  { pattern: '/console/search', title: 'Search', render: (url) => <SearchPage url={url} /> },
  { pattern: '/console/customers/:id', title: 'Customer', render: (url, p) => <CustomerPage url={url} id={p.id ?? ''} /> },
  { pattern: '/console/sites/:id', title: 'Site', render: (url, p) => <SitePage url={url} id={p.id ?? ''} /> },
  { pattern: '/console/batches', title: 'Preview batches', render: (url) => <BatchesPage url={url} /> },
  { pattern: '/console/batches/:id', title: 'Preview batch', render: (url, p) => <BatchPage url={url} id={p.id ?? ''} /> },
];

function App() {
  const url = useLocation();
  for (const route of ROUTES) {
    const params = matchPage(route.pattern, url.pathname);
    if (params) {
      document.title = `${route.title} — WebMagic`;
      return <div key={url.pathname}>{route.render(url, params)}</div>;
    }
  }
  document.title = 'Page not found — WebMagic';
  const home = url.pathname.startsWith('/console') ? <a href="/console">Go to the console</a> : <a href="/account">Go to your dashboard</a>;
  return <PublicShell><PageTitle>Page not found</PageTitle><p>There is no page at this address. Check the link, or start again from the beginning.</p><p>{home}</p></PublicShell>;
}

interceptLinks();
const root = document.getElementById('app');
if (root) {
  root.replaceChildren();
  render(<App />, root);
}
