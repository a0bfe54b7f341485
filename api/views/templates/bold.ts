import { escapeHtml } from '../../../lib/html.js';
import {
  bookingForm, callToAction, contactBlock, faqList, gallerySection, hasReviews, heroSlot, hoursTable, logoSlot, pageEnd, ratingLine,
  reviewQuotes, sharedCss, siteFooter, type Template,
} from './shared.js';

const CSS = `.top{background:var(--primary);color:var(--on-primary);position:relative;overflow:hidden}
.top a:not(.btn){color:inherit}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;min-height:64px}
.brand{display:flex;align-items:center;gap:.6rem;font-family:var(--fh);font-weight:800;font-size:1.15rem;text-transform:uppercase;letter-spacing:.04em}
.brand img,.brand picture{max-height:44px;width:auto}
.bar-call{display:inline-flex;align-items:center;min-height:44px;white-space:nowrap;padding:.4rem 1rem;border-radius:var(--rb);box-shadow:inset 0 0 0 2px currentColor;font-weight:700;text-decoration:none}
.hero{position:relative;z-index:1;display:grid;gap:2rem;padding:2.5rem 1.25rem 3.5rem}
.hero h1{font-size:clamp(2.4rem,9vw,4.4rem);font-weight:900;letter-spacing:-.02em;line-height:1.02;max-width:14ch;margin-bottom:.35em;text-transform:uppercase}
.lead{font-size:1.25rem;max-width:34rem;margin-bottom:1.5rem}
.hero .btn{font-size:1.15rem;min-height:56px;padding:.9rem 1.8rem}
.hero-photo img,.hero-photo picture{display:block;border-radius:var(--r)}
.proof{margin:1.25rem 0 0;font-weight:600}
.proof .stars{color:inherit}
.sec{padding:3.5rem 1.25rem}
.kicker{font-size:.85rem;font-weight:800;letter-spacing:.12em;text-transform:uppercase;color:var(--primary);margin:0 0 .4rem}
.sec h2{font-size:clamp(1.8rem,5vw,2.6rem);font-weight:900;letter-spacing:-.01em}
.tiles{list-style:none;padding:0;margin:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));counter-reset:tile}
.tiles li{counter-increment:tile;background:var(--band);border-radius:var(--r);padding:1.25rem 1.25rem 1.25rem 4.25rem;position:relative;font-weight:700;font-size:1.1rem;min-height:4.5rem;display:flex;align-items:center}
.tiles li::before{content:counter(tile,decimal-leading-zero);position:absolute;left:1.1rem;top:50%;transform:translateY(-50%);font-family:var(--fh);font-weight:900;font-size:1.5rem;color:var(--primary)}
.dark{background:#111827;color:#fff}
.dark .kicker{color:#fff;opacity:.85}
.about{font-size:1.2rem;max-width:46rem}
.quotes{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));margin-top:1.5rem}
.quote{margin:0;padding:1.5rem;border-left:6px solid var(--accent);background:var(--band);border-radius:0 var(--r) var(--r) 0}
.quote blockquote{margin:0;font-size:1.1rem;font-weight:600}
.quote figcaption{margin-top:.75rem;color:var(--muted)}
.rating{font-size:1.3rem}
.faq{max-width:48rem}
.panel{display:grid;gap:2.5rem}
.panel h3{font-size:1.3rem}
@media (min-width:1200px){.top:not(:has(.with-photo))::after{content:"";position:absolute;right:-6rem;bottom:-12rem;width:28rem;height:28rem;border-radius:50%;background:var(--accent);opacity:.2;pointer-events:none}}
@media (max-width:520px){.bar-num{display:none}}
@media (min-width:800px){.panel{grid-template-columns:1fr 1.2fr}.hero{padding:3.5rem 1.25rem 5rem}.hero.with-photo{grid-template-columns:1.2fr 1fr;align-items:center}}`;

/** A confident layout for trades: a big uppercase headline on the primary colour, numbered service tiles, strong calls. */
export const boldTemplate: Template = (model) => {
  const { content, business } = model;
  const name = escapeHtml(business.name);
  const hero = heroSlot(model);
  const faq = faqList(content.faq);
  const { reviews } = content;
  const proof = reviews?.rating === undefined ? '' : `<p class="proof"><span class="stars" aria-hidden="true">★</span> ${String(reviews.rating)} out of 5${reviews.count === undefined ? '' : ` from ${reviews.count.toLocaleString('en-US')} reviews`}</p>`;
  const body = `<a class="skip" href="#main">Skip to content</a>
<header class="top" data-template="bold">
<div class="wrap bar"><span class="brand">${logoSlot(model)}${name}</span>${business.phone ? `<a class="bar-call" href="tel:${escapeHtml(business.phone.replace(/[^\d+]/g, ''))}">Call<span class="bar-num">&nbsp;${escapeHtml(business.phone)}</span></a>` : ''}</div>
<div class="wrap hero${hero ? ' with-photo' : ''}">
<div><h1 data-wm-slot="headline">${escapeHtml(content.headline)}</h1>
<p class="lead" data-wm-slot="tagline">${escapeHtml(content.tagline)}</p>
${callToAction(model)}${proof}</div>
${hero ? `<div class="hero-photo">${hero}</div>` : ''}
</div>
</header>
<main id="main">
<section class="wrap sec" aria-labelledby="services-title"><p class="kicker">What we do</p><h2 id="services-title">Our services</h2>
<ul class="tiles">${content.services.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
<section class="dark" aria-labelledby="about-title"><div class="wrap sec"><p class="kicker">Who we are</p><h2 id="about-title">About ${name}</h2><p class="about">${escapeHtml(content.about)}</p></div></section>
${hasReviews(reviews) ? `<section class="wrap sec" aria-labelledby="reviews-title"><p class="kicker">Reviews</p><h2 id="reviews-title">What customers say</h2>${ratingLine(reviews)}<div class="quotes">${reviewQuotes(reviews)}</div></section>` : ''}
${gallerySection(model, { band: false })}
${faq ? `<section class="wrap sec" aria-labelledby="faq-title"><p class="kicker">Good to know</p><h2 id="faq-title">Questions and answers</h2><div class="faq">${faq}</div></section>` : ''}
<section class="wrap sec" aria-labelledby="visit-title"><p class="kicker">Get in touch</p><h2 id="visit-title">Contact</h2>
<div class="panel"><div>${contactBlock(business)}${business.hours && Object.keys(business.hours).length > 0 ? `<h3>Opening hours</h3>${hoursTable(business.hours, `Opening hours of ${business.name}`)}` : ''}</div>
${model.slug ? bookingForm('Tell us about the job') : ''}</div></section>
</main>
${siteFooter(model)}
${pageEnd(model)}`;
  return { css: `${sharedCss(content, { font: 'modern', radius: 'square' })}\n${CSS}`, body };
};
