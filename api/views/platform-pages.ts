import { escapeHtml } from '../../lib/html.js';
import { htmlDocument } from './html.js';
import { canonicalLink, jsonForScript } from './seo.js';

/** A site the home page shows as an example of what WebMagic builds. */
export interface DemoSiteCard {
  name: string;
  category: string;
  city: string | null;
  tagline: string;
  url: string;
  color: string;
}

/** What the platform's home page shows. */
export interface HomePageModel {
  /** The platform's address (PUBLIC_BASE_URL). */
  baseUrl: string;
  /** One-time price of claiming a site, formatted (e.g. "$495"). */
  price: string;
  /** Monthly price of keeping it live, formatted. */
  monthly: string;
  demos: DemoSiteCard[];
}

const PLATFORM_CSS = `.top{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;justify-content:space-between;max-width:1040px;margin:0 auto;padding:1rem 1.25rem}
.brand{font-size:1.3rem;font-weight:800;color:#1e3a8a;text-decoration:none}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
.top nav a{display:inline-block;padding:.6rem .25rem;color:#1e3a8a;font-weight:600}
.hero{background:#1e3a8a;color:#fff;padding:3.5rem 1.25rem;text-align:center}
.hero h1{max-width:760px;margin:0 auto .75rem;font-size:clamp(2rem,5vw,3rem);line-height:1.15}
.hero p{max-width:640px;margin:0 auto;font-size:1.15rem}
.hero a.button{display:inline-block;margin-top:1.5rem;padding:.8rem 1.5rem;border-radius:8px;background:#fff;color:#1e3a8a;font-weight:700;text-decoration:none}
.wide{max-width:1040px}
.steps,.prices,.demos{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));list-style:none;padding:0}
.steps li,.prices li,.demos li{border:1px solid #d1d5db;border-radius:10px;padding:1.25rem}
.steps h3,.prices h3,.demos h3{margin:.25rem 0 .5rem}
.amount{font-size:2.2rem;font-weight:800;color:#1e3a8a;margin:0}
.demos li{border-top-width:8px}
.demos a{color:#1e3a8a;font-weight:700}
.meta{color:#4b5563;margin:0}
footer{border-top:1px solid #e5e7eb;margin-top:2rem}
footer ul{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;list-style:none;max-width:1040px;margin:0 auto;padding:1.25rem}
footer a{color:#1e3a8a;display:inline-block;padding:.5rem 0}
a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}`;

function header(baseUrl: string): string {
  return `<header class="top"><a class="brand" href="${escapeHtml(baseUrl)}/">WebMagic</a>
<nav aria-label="Main"><ul><li><a href="${escapeHtml(baseUrl)}/help">Help</a></li><li><a href="${escapeHtml(baseUrl)}/account/sign-in">Owner sign in</a></li><li><a href="${escapeHtml(baseUrl)}/console/sign-in">Agent sign in</a></li></ul></nav></header>`;
}

function footer(baseUrl: string): string {
  return `<footer><ul><li><a href="${escapeHtml(baseUrl)}/">Home</a></li><li><a href="${escapeHtml(baseUrl)}/help">Help</a></li>
<li><a href="${escapeHtml(baseUrl)}/account/sign-in">Owner sign in</a></li><li><a href="${escapeHtml(baseUrl)}/console/sign-in">Agent sign in</a></li></ul></footer>`;
}

/** Description, canonical link and link-preview tags of a platform page. */
function platformHead(url: string, title: string, description: string): string {
  const attr = escapeHtml;
  return [
    `<meta name="description" content="${attr(description)}">`,
    canonicalLink(url),
    `<meta property="og:type" content="website">`,
    `<meta property="og:site_name" content="WebMagic">`,
    `<meta property="og:title" content="${attr(title)}">`,
    `<meta property="og:description" content="${attr(description)}">`,
    `<meta property="og:url" content="${attr(url)}">`,
    `<meta name="twitter:card" content="summary">`,
  ].join('\n');
}

function demoCard(demo: DemoSiteCard): string {
  const where = [demo.category, demo.city].filter(Boolean).join(' · ');
  return `<li style="border-top-color:${escapeHtml(demo.color)}"><h3><a href="${escapeHtml(demo.url)}">${escapeHtml(demo.name)}</a></h3>
<p class="meta">${escapeHtml(where)}</p><p>${escapeHtml(demo.tagline)}</p></li>`;
}

/** The platform's home page: what WebMagic does, its prices, example sites and the ways to sign in. */
export function renderHomePage(model: HomePageModel): string {
  const title = 'WebMagic — websites for local businesses';
  const description = `WebMagic builds a website for your local business. Claim it for ${model.price}, keep it live for ${model.monthly} a month: hosting, changes and support included.`;
  const base = escapeHtml(model.baseUrl);
  const demos = model.demos.length > 0
    ? `<section aria-labelledby="demos-title"><h2 id="demos-title">Sites we built</h2><ul class="demos">${model.demos.map(demoCard).join('')}</ul></section>`
    : '';
  const body = `${header(model.baseUrl)}
<section class="hero"><h1>A website for your business, built before you ask</h1>
<p>WebMagic builds a fast, mobile-friendly website for local businesses from their public listing. Look at yours, claim it, and it is online under your name the same day.</p>
<a class="button" href="#pricing">See prices</a></section>
<main class="wide">
<section aria-labelledby="how-title"><h2 id="how-title">How it works</h2><ol class="steps">
<li><h3>We build a preview</h3><p>Your services, hours, phone number and address on a page that looks good on every phone.</p></li>
<li><h3>You claim it</h3><p>Pay once and the site is yours. Set a password and manage it from your dashboard.</p></li>
<li><h3>We keep it live</h3><p>Hosting, your own domain, visitor statistics, contact-form messages and changes whenever you ask.</p></li>
</ol></section>
<section id="pricing" aria-labelledby="pricing-title"><h2 id="pricing-title">Prices</h2><ul class="prices">
<li><h3>Claim your site</h3><p class="amount">${escapeHtml(model.price)}</p><p>Once. The site, its content and its address become yours.</p></li>
<li><h3>Keep it live</h3><p class="amount">${escapeHtml(model.monthly)}<span class="meta"> / month</span></p><p>Hosting, changes on request, your own domain, statistics and support. Cancel any time.</p></li>
</ul></section>
${demos}
<section aria-labelledby="signin-title"><h2 id="signin-title">Already with us?</h2>
<p><a href="${base}/account/sign-in">Sign in to your dashboard</a> to change your site, read messages from visitors and manage billing. Support agents sign in to the <a href="${base}/console/sign-in">agent console</a>.</p></section>
</main>
${footer(model.baseUrl)}`;
  const organisation = { '@context': 'https://schema.org', '@type': 'Organization', name: 'WebMagic', url: `${model.baseUrl}/` };
  const head = `${platformHead(`${model.baseUrl}/`, title, description)}\n<script type="application/ld+json">${jsonForScript(organisation)}</script>`;
  return htmlDocument(title, body, PLATFORM_CSS, { head });
}

/** The platform's help page: the questions business owners ask before and after claiming a site. */
export function renderHelpPage(model: Omit<HomePageModel, 'demos'>): string {
  const title = 'Help — WebMagic';
  const description = 'How WebMagic works: claiming your site, prices, your own domain, changes, cancelling and getting support.';
  const base = escapeHtml(model.baseUrl);
  const questions: Array<[string, string]> = [
    ['What is a preview site?', 'A website WebMagic built for a business from its public listing. Anyone can look at it; it stays out of search engines until its owner claims it.'],
    ['How do I claim my site?', `Open your preview and choose “Claim it”. You pay ${escapeHtml(model.price)} once, then get an email to set your password.`],
    ['What does it cost to keep it live?', `${escapeHtml(model.monthly)} a month, which covers hosting, changes on request, your own domain, statistics and support. If a payment fails you have a grace period to fix it.`],
    ['Can I use my own domain?', `Yes. <a href="${base}/account/domain">Connect it from your dashboard</a>: we show the DNS records to add and switch your site over once they are in place.`],
    ['How do I change my site?', `<a href="${base}/account/support">Open a support request</a> describing the change. You get a private preview to approve before anything goes live, and you can roll back.`],
    ['How do I cancel?', `From the <a href="${base}/account/subscription">subscription page</a> of your dashboard, at once or at the end of the period you paid for.`],
    ['I need help with something else', `<a href="${base}/account/sign-in">Sign in</a> and open a support request: an agent answers, usually the same day.`],
  ];
  const body = `${header(model.baseUrl)}
<main class="wide"><h1>Help</h1>
${questions.map(([q, a]) => `<section><h2>${escapeHtml(q)}</h2><p>${a}</p></section>`).join('\n')}
</main>
${footer(model.baseUrl)}`;
  return htmlDocument(title, body, PLATFORM_CSS, { head: platformHead(`${model.baseUrl}/help`, title, description) });
}

/** A link a 404 page offers. */
export interface PageLink {
  href: string;
  label: string;
}

/** A 404 page: what happened and where to go instead; never indexed. */
export function renderNotFound(heading: string, message: string, links: PageLink[]): string {
  const list = links.map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></li>`).join('');
  return htmlDocument(heading, `<main class="center"><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p><ul class="links">${list}</ul></main>`,
    '.links{list-style:none;padding:0;display:grid;gap:.5rem}.links a{display:inline-block;padding:.5rem;color:#1e3a8a;font-weight:600}', { noindex: true });
}
