import type { SiteContent } from '../db/entities/site-version.entity.js';
import type { TemplateId } from '../lib/site-editor/content.js';
import { presetFor } from '../lib/site-templates/presets.js';

/** A realistic published site per template, for the Lighthouse run and the screenshots. */
export interface TemplateSite {
  template: TemplateId;
  slug: string;
  title: string;
  business: { name: string; category: string; phone: string; email: string; address: string; city: string; hours: Record<string, string> };
  content: SiteContent;
}

function site(template: TemplateId, category: string, rest: Omit<TemplateSite, 'template' | 'content'> & { content: Omit<SiteContent, 'theme' | 'template'> }): TemplateSite {
  const preset = presetFor(category, template);
  return { ...rest, template, content: { ...rest.content, template, theme: preset.theme } };
}

/** One site per template, each from a business category that usually picks it. */
export const TEMPLATE_SITES: TemplateSite[] = [
  site('classic', 'dentist', {
    slug: 'harbor-family-dental',
    title: 'Harbor Family Dental — Dentist in Portland, Maine',
    business: {
      name: 'Harbor Family Dental', category: 'dentist', phone: '+1 207-555-0164', email: 'hello@harborfamilydental.example',
      address: '214 Commercial St', city: 'Portland, ME', hours: { 'Mon–Thu': '8am–5pm', Fri: '8am–2pm', 'Sat–Sun': 'Closed' },
    },
    content: {
      headline: 'Gentle dental care for the whole family',
      tagline: 'Check-ups, cleanings and same-week emergency visits on Portland’s waterfront.',
      about: 'Dr. Elena Marsh and her team have cared for Portland smiles since 2009. We explain every step, we never rush, and we keep our chairs open for emergencies every weekday morning.',
      services: ['Check-ups and cleanings', 'Fillings and crowns', 'Teeth whitening', 'Children’s dentistry', 'Emergency appointments', 'Clear aligners'],
      callToAction: 'Book a visit',
      faq: [
        { question: 'Do you take new patients?', answer: 'Yes. Call us or send the form below and we will find you a time within a week.' },
        { question: 'Which insurance do you accept?', answer: 'We accept most PPO plans and offer a simple membership plan for patients without insurance.' },
        { question: 'What if I have a toothache today?', answer: 'Call before 10am and we will see you the same day whenever we can.' },
      ],
      reviews: {
        rating: 4.9, count: 212,
        quotes: [
          { text: 'The kindest dentist I have ever had. My kids actually look forward to their check-ups.', author: 'Maria G.' },
          { text: 'Saw me the same morning for a cracked tooth and fixed it painlessly.', author: 'Tom R.' },
        ],
      },
    },
  }),
  site('bold', 'roofer', {
    slug: 'ridgeline-roofing',
    title: 'Ridgeline Roofing — Roof repair and replacement in Denver',
    business: {
      name: 'Ridgeline Roofing', category: 'roofer', phone: '+1 303-555-0128', email: 'crew@ridgelineroofing.example',
      address: '4800 Brighton Blvd', city: 'Denver, CO', hours: { 'Mon–Fri': '7am–6pm', Sat: '8am–noon', Sun: 'Storm emergencies only' },
    },
    content: {
      headline: 'Roofs built for Colorado weather',
      tagline: 'Free storm-damage inspections, honest quotes and a 10-year workmanship warranty.',
      about: 'Ridgeline is a local, family-owned crew of licensed roofers. We have repaired and replaced more than 3,000 roofs across the Front Range, and we handle the insurance paperwork for you.',
      services: ['Roof repair', 'Full roof replacement', 'Storm and hail damage', 'Gutters and downspouts', 'Skylights', 'Insurance claims help'],
      callToAction: 'Get a free inspection',
      faq: [
        { question: 'How long does a replacement take?', answer: 'Most homes take one or two days, weather permitting.' },
        { question: 'Do you work with my insurance?', answer: 'Yes. We document the damage, meet your adjuster and bill the insurer directly.' },
      ],
      reviews: {
        rating: 4.8, count: 389,
        quotes: [
          { text: 'They found hail damage two other companies missed and handled the whole claim.', author: 'Dana K.' },
          { text: 'On time, tidy, and the new roof looks fantastic.', author: 'Luis P.' },
          { text: 'Fair price and clear communication from start to finish.', author: 'Priya S.' },
        ],
      },
    },
  }),
  site('fresh', 'salon', {
    slug: 'bloom-hair-studio',
    title: 'Bloom Hair Studio — Hair salon in Austin',
    business: {
      name: 'Bloom Hair Studio', category: 'salon', phone: '+1 512-555-0193', email: 'book@bloomhair.example',
      address: '1601 S Congress Ave', city: 'Austin, TX', hours: { 'Tue–Fri': '10am–7pm', Sat: '9am–5pm', 'Sun–Mon': 'Closed' },
    },
    content: {
      headline: 'Colour, cuts and care that feel like you',
      tagline: 'A bright, relaxed salon on South Congress. Walk-ins welcome on weekday afternoons.',
      about: 'Bloom is a team of six stylists who love lived-in colour and easy, grown-out cuts. We use vegan, cruelty-free products and always start with a free consultation.',
      services: ['Women’s and men’s cuts', 'Balayage and highlights', 'Colour correction', 'Blow-outs and styling', 'Bridal hair', 'Keratin treatments'],
      callToAction: 'Book an appointment',
      faq: [
        { question: 'Do you offer free consultations?', answer: 'Always. Book a 15-minute consultation before any colour service.' },
        { question: 'What is your cancellation policy?', answer: 'Please give us 24 hours’ notice so we can offer the time to someone else.' },
      ],
      reviews: {
        rating: 5, count: 148,
        quotes: [
          { text: 'Best balayage I have ever had, and the studio is so welcoming.', author: 'Jess M.' },
          { text: 'Finally a stylist who listens. I left feeling amazing.', author: 'Andrea L.' },
        ],
      },
    },
  }),
];
