import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ASSETS } from '../../../api/routes/pages/assets.js';
import { ANALYTICS_SCRIPT } from '../../../api/views/analytics-script.js';
import { renderSitePage, type SitePageModel } from '../../../api/views/site-page.js';
import { escapeHtml } from '../../../lib/html.js';
import { TEMPLATE_IDS, type SiteContent, type TemplateId } from '../../../lib/site-editor/content.js';
import { TEMPLATE_SITES } from '../../../bench/template-sites.js';

const business: SitePageModel['business'] = {
  name: 'Ana & Co <Salon>', phone: '+1 555-010-9999', email: 'ana@salon.example', address: '1 Main St', city: 'Austin', hours: { Sat: '9am–1pm', 'Mon–Fri': '9am–6pm', Sun: 'Closed' },
};

function content(template: TemplateId, extra: Partial<SiteContent> = {}): SiteContent {
  return {
    template,
    headline: 'Cuts <b>and</b> colour',
    tagline: 'Walk-ins "welcome" & friendly',
    about: 'A neighbourhood salon since 1999. <script>alert(1)</script>',
    services: ['Cuts', 'Colour & highlights', 'Blow-outs'],
    callToAction: 'Book now',
    theme: { primaryColor: '#831843', accentColor: '#f9a8d4', font: 'friendly', radius: 'round' },
    ...extra,
  };
}

const page = (c: SiteContent, options: Partial<SitePageModel> = {}) =>
  renderSitePage({ title: 'Ana', business, content: c, claim: null, slug: 'ana-salon', ...options });

describe.each(TEMPLATE_IDS)('the %s template', (template) => {
  it('renders the content, escaped, with its own layout', () => {
    const html = page(content(template, {
      faq: [{ question: 'Do you take <walk-ins>?', answer: 'Yes, on weekday afternoons.' }],
      reviews: { rating: 4.7, count: 1234, quotes: [{ text: 'Best "cut" I ever had <3', author: 'Maria G.' }, { text: 'Friendly and fast.' }] },
    }));
    expect(html).toContain(`data-template="${template}"`);
    expect(html).toContain('Cuts &lt;b&gt;and&lt;/b&gt; colour');
    expect(html).toContain('Walk-ins &quot;welcome&quot; &amp; friendly');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('About Ana &amp; Co &lt;Salon&gt;');
    expect(html).toContain('<a class="btn" data-wm-slot="cta" href="tel:+15550109999">Book now</a>');
    for (const service of ['Cuts', 'Colour &amp; highlights', 'Blow-outs']) expect(html).toContain(`<li>${service}</li>`);
    expect(html).toContain('Do you take &lt;walk-ins&gt;?');
    expect(html).toContain('<strong>4.7 out of 5</strong>, from 1,234 reviews');
    expect(html).toContain('Best &quot;cut&quot; I ever had &lt;3');
    expect(html).toContain('<figcaption>Maria G.</figcaption>');
    expect(html).toContain('mailto:ana@salon.example');
    // Hours come back from jsonb in key order, not week order: the table puts them in week order.
    expect(html.indexOf('Mon–Fri')).toBeLessThan(html.indexOf('>Sat<'));
    expect(html.indexOf('>Sat<')).toBeLessThan(html.indexOf('>Sun<'));
    expect(html).toContain('form data-wm-booking');
    expect(html).toContain('<main id="main">');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toMatch(/font-family:var\(--fh\)/);
  });

  it('leaves out the FAQ, reviews and photos it has no content for, and fetches nothing from other hosts', () => {
    const html = page(content(template));
    expect(html).not.toContain('faq-title');
    expect(html).not.toContain('reviews-title');
    expect(html).not.toContain('gallery-title');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('puts photos in the logo, hero and gallery slots as responsive pictures, the hero loaded first', () => {
    const ids = { logo: '00000000-0000-4000-8000-000000000001', hero: '00000000-0000-4000-8000-000000000002', gallery: ['00000000-0000-4000-8000-000000000003'] };
    const variants = [320, 640].flatMap((width) => (['avif', 'webp', 'jpeg'] as const).map((format) => ({ width, height: width / 2, format })));
    const photos = [ids.logo, ids.hero, ...ids.gallery].map((id) => ({ id, alt: null, variants }));
    const html = page(content(template, { photos: ids }), { photos });
    for (const id of [ids.logo, ids.hero, ...ids.gallery]) expect(html).toContain(`/_wm/photos/${id}/640.jpg`);
    expect(html).toMatch(new RegExp(`<img src="/_wm/photos/${ids.hero}/640.jpg"[^>]*width="640" height="320" loading="eager" fetchpriority="high"`));
    expect(html).toContain(`alt="${escapeHtml(business.name)} logo"`);
    expect(html).toContain('gallery-title');
    // A photo the page was not given (deleted, or not yet stored) is left out, and an empty gallery with it.
    expect(page(content(template, { photos: ids }))).not.toContain('gallery-title');
  });

  it('stays within 50 KB compressed with its scripts (gzip and brotli)', () => {
    const site = TEMPLATE_SITES.find((s) => s.template === template)!;
    const html = renderSitePage({ title: site.title, business: site.business, content: site.content, slug: site.slug, claim: { slug: site.slug, price: '$495.00', monthly: '$95.00' } });
    expect(html).toContain('/assets/claim.js');
    const bytes = Buffer.from(html + (ASSETS['claim.js'] ?? '') + ANALYTICS_SCRIPT);
    expect(gzipSync(bytes).length).toBeLessThanOrEqual(50 * 1024);
    expect(brotliCompressSync(bytes).length).toBeLessThanOrEqual(50 * 1024);
  });
});

it('renders a version that names no template with the first one', () => {
  const { template: _none, ...rest } = content('bold');
  expect(page(rest)).toContain('data-template="classic"');
});

it('names the city once when the version’s own address already carries it', () => {
  const html = page(content('classic', { contact: { address: '12 Main St, Austin' } }), { business: { ...business, city: 'Austin' } });
  expect(html).toContain('<li>12 Main St, Austin</li>');
  expect(html).not.toContain('Austin, Austin');
});
