import { escapeHtml } from '../../../lib/html.js';
import {
  bookingForm, callToAction, contactBlock, faqList, gallerySection, hasReviews, heroSlot, hoursTable, logoSlot, pageEnd, ratingLine,
  reviewQuotes, sharedCss, siteFooter, type Template,
} from './shared.js';

const CSS = `.top{background:var(--primary);color:var(--on-primary)}
.top a:not(.btn){color:inherit}
.bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;min-height:64px;border-bottom:1px solid rgba(255,255,255,.18)}
.brand{display:flex;align-items:center;gap:.6rem;font-family:var(--fh);font-size:1.2rem;font-weight:700}
.brand img,.brand picture{max-height:44px;width:auto}
.bar-phone{font-weight:700;text-decoration:none;min-height:44px;display:inline-flex;align-items:center;white-space:nowrap}
.hero{display:grid;gap:2rem;padding:3.5rem 1.25rem 4rem;text-align:center;justify-items:center}
.hero h1{font-size:clamp(2.1rem,6vw,3.4rem);max-width:20ch;margin-bottom:.4em}
.lead{font-size:1.2rem;max-width:40rem;opacity:.95}
.hero-photo img,.hero-photo picture{border-radius:var(--r);display:block}
.sec{padding:3.5rem 1.25rem}
.sec>h2,.band h2{font-size:clamp(1.6rem,4vw,2.1rem);text-align:center}
.rule{width:4rem;height:3px;background:var(--accent);border:0;margin:0 auto 2rem}
.services{list-style:none;padding:0;margin:0 auto;max-width:52rem;display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.25rem 2rem}
.services li{padding:.8rem 0 .8rem 2rem;border-bottom:1px solid var(--line);position:relative}
.services li::before{content:"";position:absolute;left:.25rem;top:1.2rem;width:.7rem;height:.35rem;border-left:3px solid var(--primary);border-bottom:3px solid var(--primary);transform:rotate(-45deg)}
.band{background:var(--band)}
.about{max-width:44rem;margin:0 auto;font-size:1.125rem}
.reviews{text-align:center}
.rating{font-size:1.15rem}
.quotes{display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));margin-top:1.5rem;text-align:left}
.quote{margin:0;padding:1.5rem;background:#fff;border:1px solid var(--line);border-radius:var(--r)}
.quote blockquote{margin:0;font-family:var(--fh);font-size:1.1rem;font-style:italic}
.quote figcaption{margin-top:.75rem;font-weight:600;color:var(--muted)}
.faq{max-width:44rem;margin:0 auto}
.visit{display:grid;gap:2.5rem}
.visit h3{font-size:1.25rem}
@media (min-width:800px){.visit{grid-template-columns:1fr 1.3fr}.hero{padding:5rem 1.25rem 5.5rem}}`;

/** A timeless layout: a centred header on the primary colour, serif-friendly headings, calm bands and a visit block. */
export const classicTemplate: Template = (model) => {
  const { content, business } = model;
  const name = escapeHtml(business.name);
  const hero = heroSlot(model);
  const faq = faqList(content.faq);
  const body = `<a class="skip" href="#main">Skip to content</a>
<header class="top" data-template="classic">
<div class="wrap bar"><span class="brand">${logoSlot(model)}${name}</span>${business.phone ? `<a class="bar-phone" href="tel:${escapeHtml(business.phone.replace(/[^\d+]/g, ''))}">${escapeHtml(business.phone)}</a>` : ''}</div>
<div class="wrap hero">
<div><h1 data-wm-slot="headline">${escapeHtml(content.headline)}</h1>
<p class="lead" data-wm-slot="tagline">${escapeHtml(content.tagline)}</p>
${callToAction(model)}</div>
${hero ? `<div class="hero-photo">${hero}</div>` : ''}
</div>
</header>
<main id="main">
<section class="wrap sec" aria-labelledby="services-title"><h2 id="services-title">Our services</h2><hr class="rule">
<ul class="services">${content.services.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
<section class="band" aria-labelledby="about-title"><div class="wrap sec"><h2 id="about-title">About ${name}</h2><hr class="rule"><p class="about">${escapeHtml(content.about)}</p></div></section>
${hasReviews(content.reviews) ? `<section class="wrap sec reviews" aria-labelledby="reviews-title"><h2 id="reviews-title">What customers say</h2><hr class="rule">${ratingLine(content.reviews)}<div class="quotes">${reviewQuotes(content.reviews)}</div></section>` : ''}
${gallerySection(model, { band: false, afterHeading: '<hr class="rule">' })}
${faq ? `<section class="band" aria-labelledby="faq-title"><div class="wrap sec"><h2 id="faq-title">Questions and answers</h2><hr class="rule"><div class="faq">${faq}</div></div></section>` : ''}
<section class="wrap sec" aria-labelledby="visit-title"><h2 id="visit-title">Contact</h2><hr class="rule">
<div class="visit"><div>${contactBlock(business)}${business.hours && Object.keys(business.hours).length > 0 ? `<h3>Opening hours</h3>${hoursTable(business.hours, `Opening hours of ${business.name}`)}` : ''}</div>
${model.slug ? bookingForm() : ''}</div></section>
</main>
${siteFooter(model)}
${pageEnd(model)}`;
  return { css: `${sharedCss(content, { font: 'classic', radius: 'soft' })}\n${CSS}`, body };
};
