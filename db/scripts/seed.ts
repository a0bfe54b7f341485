import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../lib/config.js';
import { Business, Site, SiteVersion } from '../entities/index.js';
import type { SiteContent } from '../entities/site-version.entity.js';

interface DemoSite {
  slug: string;
  title: string;
  business: { name: string; category: string; phone: string; email: string; address: string; city: string; hours: Record<string, string> };
  content: SiteContent;
}

/** The preview sites a fresh installation shows. */
export const DEMO_SITES: DemoSite[] = [
  {
    slug: 'la-plumbing-pros',
    title: 'LA Plumbing Pros',
    business: {
      name: 'LA Plumbing Pros', category: 'plumber', phone: '+1 213-555-0142', email: 'office@laplumbingpros.example',
      address: '1200 W 7th St', city: 'Los Angeles', hours: { 'Mon–Fri': '7am–7pm', Sat: '8am–2pm', Sun: 'Emergencies only' },
    },
    content: {
      headline: 'Fast, honest plumbing across Los Angeles',
      tagline: 'Licensed and insured. Same-day service for leaks, drains and water heaters.',
      about: 'A family-run team of licensed plumbers serving LA homes and businesses for over fifteen years.',
      services: ['Leak detection and repair', 'Drain cleaning', 'Water heater installation', '24/7 emergency plumbing'],
      callToAction: 'Call for a free quote',
      theme: { primaryColor: '#0f4c81', accentColor: '#f59e0b' },
    },
  },
  {
    slug: 'plumber-joe',
    title: "Plumber Joe's",
    business: {
      name: "Plumber Joe's", category: 'plumber', phone: '+1 512-555-0187', email: 'joe@plumberjoe.example',
      address: '88 Riverside Dr', city: 'Austin', hours: { 'Mon–Sat': '8am–6pm' },
    },
    content: {
      headline: 'Your neighbourhood plumber',
      tagline: 'No job too small — fair prices, tidy work, on time.',
      about: 'Joe has fixed Austin pipes for twenty years and still answers the phone himself.',
      services: ['Faucet and toilet repair', 'Pipe replacement', 'Garbage disposals', 'Bathroom remodels'],
      callToAction: 'Book Joe today',
      theme: { primaryColor: '#14532d', accentColor: '#ea580c' },
    },
  },
  {
    slug: 'roofer-bob',
    title: 'Roofer Bob',
    business: {
      name: 'Roofer Bob Roofing', category: 'roofer', phone: '+1 303-555-0119', email: 'bob@rooferbob.example',
      address: '5 Summit Ave', city: 'Denver', hours: { 'Mon–Fri': '7am–5pm' },
    },
    content: {
      headline: 'Roofs that weather every Denver season',
      tagline: 'Repairs, replacements and free storm-damage inspections.',
      about: 'Bob and his crew have installed and repaired more than 2,000 roofs along the Front Range.',
      services: ['Roof repair', 'Full replacement', 'Gutters and flashing', 'Storm-damage inspections'],
      callToAction: 'Get a free inspection',
      theme: { primaryColor: '#7f1d1d', accentColor: '#2563eb' },
    },
  },
];

/** Creates the demo businesses and preview sites that are missing; running it again changes nothing. */
export async function seedDemoSites(em: EntityManager, pricing: AppConfig['pricing']): Promise<string[]> {
  const created: string[] = [];
  for (const demo of DEMO_SITES) {
    if (await em.count(Site, { slug: demo.slug })) continue;
    const business = em.create(Business, demo.business);
    const site = em.create(Site, {
      slug: demo.slug,
      business,
      title: demo.title,
      purchaseAmountCents: pricing.purchaseAmountCents,
      monthlyAmountCents: pricing.monthlyAmountCents,
      currency: pricing.currency,
    });
    const version = em.create(SiteVersion, { site, versionNumber: 1, content: demo.content, createdBy: 'system', publishedAt: new Date(), changeSummary: 'Generated preview' });
    site.currentVersion = version;
    await em.flush();
    created.push(demo.slug);
  }
  return created;
}
