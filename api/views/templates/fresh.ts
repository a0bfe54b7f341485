import { escapeHtml } from '../../../lib/html.js';
import {
  bookingForm, callToAction, contactBlock, faqList, gallerySection, hasReviews, heroSlot, hoursTable, logoSlot, pageEnd, ratingLine,
  reviewQuotes, sharedCss, siteFooter, type Template,
} from './shared.js';

const CSS = `.top{background:#fff;border-bottom:1px solid var(--line)}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;min-height:64px}
.brand{display:flex;align-items:center;gap:.6rem;font-family:var(--fh);font-weight:700;font-size:1.2rem;color:var(--primary)}
.brand img,.brand picture{max-height:44px;width:auto}
.nav{display:flex;gap:.25rem;list-style:none;margin:0;padding:0}
.nav a{display:inline-flex;align-items:center;min-height:44px;padding:0 .75rem;font-weight:600;text-decoration:none;border-radius:var(--rb)}
.nav a:hover{background:var(--band)}
.hero-band{background:linear-gradient(180deg,#fff 0%,var(--band) 100%)}
.hero{display:grid;gap:2rem;padding:3rem 1.25rem 3.5rem;align-items:center}
.hero h1{font-size:clamp(2.1rem,7vw,3.5rem);color:var(--primary);letter-spacing:-.015em}
.lead{font-size:1.2rem;color:var(--muted);max-width:34rem;margin-bottom:1.5rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
.actions .btn-ghost{color:var(--primary)}
.hero-art{border-radius:var(--r);overflow:hidden}
.hero-art img,.hero-art picture{display:block;width:100%}
.chip{display:inline-flex;align-items:center;gap:.4rem;background:#fff;border:1px solid var(--line);border-radius:999px;padding:.35rem .9rem;font-weight:600;margin:0 0 1rem}
.sec{padding:3.5rem 1.25rem}
.sec h2{font-size:clamp(1.6rem,4.5vw,2.2rem);color:var(--primary)}
.cards{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}
.cards li{background:#fff;border:1px solid var(--line);border-radius:var(--r);padding:1.1rem 1.25rem;font-weight:600;box-shadow:0 1px 2px rgba(17,24,39,.06);display:flex;align-items:center;gap:.75rem}
.cards li::before{content:"";flex:none;width:.75rem;height:.75rem;border-radius:50%;background:var(--accent);box-shadow:0 0 0 4px color-mix(in srgb,var(--accent) 25%,#fff)}
.band{background:var(--band)}
.split{display:grid;gap:2rem}
.about{font-size:1.125rem}
.quotes{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
.quote{margin:0;padding:1.5rem;background:#fff;border-radius:var(--r);box-shadow:0 1px 3px rgba(17,24,39,.1)}
.quote blockquote{margin:0}
.quote figcaption{margin-top:.5rem;font-weight:700;color:var(--primary)}
.faq{max-width:46rem}
.card-box{background:#fff;border:1px solid var(--line);border-radius:var(--r);padding:1.5rem}
.card-box h3{font-size:1.2rem;color:var(--primary)}
@media (max-width:540px){.nav{display:none}}
@media (min-width:800px){.hero.with-photo,.split{grid-template-columns:1fr 1fr}.hero{padding:4.5rem 1.25rem 5rem}}`;

/** A light, friendly layout for shops and personal services: a white header with section links, soft cards and a split hero. */
export const freshTemplate: Template = (model) => {
  const { content, business } = model;
  const name = escapeHtml(business.name);
  const hero = heroSlot(model);
  const faq = faqList(content.faq);
  const { reviews } = content;
  const chip = reviews?.rating === undefined ? '' : `<p class="chip"><span class="stars" aria-hidden="true">★</span> ${String(reviews.rating)} out of 5${reviews.count === undefined ? '' : ` · ${reviews.count.toLocaleString('en-US')} reviews`}</p>`;
  const links = [['#services-title', 'Services'], ['#about-title', 'About'], ['#visit-title', 'Contact']]
    .map(([href = '', label = '']) => `<li><a href="${href}">${label}</a></li>`).join('');
  const body = `<a class="skip" href="#main">Skip to content</a>
<header class="top" data-template="fresh"><div class="wrap bar"><span class="brand">${logoSlot(model)}${name}</span>
<nav aria-label="Sections"><ul class="nav">${links}</ul></nav></div></header>
<main id="main">
<div class="hero-band"><div class="wrap hero${hero ? ' with-photo' : ''}">
<div>${chip}<h1 data-wm-slot="headline">${escapeHtml(content.headline)}</h1>
<p class="lead" data-wm-slot="tagline">${escapeHtml(content.tagline)}</p>
<div class="actions">${callToAction(model)}${model.slug && business.phone ? '<a class="btn btn-ghost" href="#contact-form">Send a message</a>' : ''}</div></div>
${hero ? `<div class="hero-art">${hero}</div>` : ''}
</div></div>
<section class="wrap sec" aria-labelledby="services-title"><h2 id="services-title">Our services</h2>
<ul class="cards">${content.services.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
<section class="band" aria-labelledby="about-title"><div class="wrap sec"><h2 id="about-title">About ${name}</h2><p class="about">${escapeHtml(content.about)}</p></div></section>
${hasReviews(reviews) ? `<section class="wrap sec" aria-labelledby="reviews-title"><h2 id="reviews-title">Kind words</h2>${ratingLine(reviews)}<div class="quotes">${reviewQuotes(reviews)}</div></section>` : ''}
${gallerySection(model, { band: true })}
${faq ? `<section class="wrap sec" aria-labelledby="faq-title"><h2 id="faq-title">Questions and answers</h2><div class="faq">${faq}</div></section>` : ''}
<section class="band" aria-labelledby="visit-title"><div class="wrap sec"><h2 id="visit-title">Contact</h2>
<div class="split"><div class="card-box">${contactBlock(business)}${business.hours && Object.keys(business.hours).length > 0 ? `<h3>Opening hours</h3>${hoursTable(business.hours, `Opening hours of ${business.name}`)}` : ''}</div>
${model.slug ? `<div class="card-box">${bookingForm('Book or ask a question')}</div>` : ''}</div></div></section>
</main>
${siteFooter(model)}
${pageEnd(model)}`;
  return { css: `${sharedCss(content, { font: 'friendly', radius: 'round' })}\n${CSS}`, body };
};
