import { TEMPLATE_IDS, type SiteTheme, type TemplateId } from '../site-editor/content.js';

/** A business category's starting design: a template and its theme tokens. */
export interface DesignPreset {
  template: TemplateId;
  theme: SiteTheme;
}

type Font = NonNullable<SiteTheme['font']>;
type Radius = NonNullable<SiteTheme['radius']>;

/** Each template's own type and corners, used when a category is shown in a template other than its usual one. */
const TEMPLATE_STYLE: Record<TemplateId, { font: Font; radius: Radius }> = {
  classic: { font: 'classic', radius: 'soft' },
  bold: { font: 'modern', radius: 'square' },
  fresh: { font: 'friendly', radius: 'round' },
};

interface CategoryDesign {
  template: TemplateId;
  primary: string;
  accent: string;
  font: Font;
  radius: Radius;
  /** Other names importers use for the category. */
  aliases: string[];
}

// Every pair passes the contrast rule (lib/site-templates/contrast.ts): primary carries white text and links, accent button text.
const CATEGORIES: Record<string, CategoryDesign> = {
  plumber: { template: 'bold', primary: '#1e3a8a', accent: '#f59e0b', font: 'modern', radius: 'soft', aliases: ['plumbing', 'plumbers'] },
  electrician: { template: 'bold', primary: '#1f2937', accent: '#facc15', font: 'modern', radius: 'square', aliases: ['electrical', 'electric', 'electricians'] },
  roofer: { template: 'bold', primary: '#7c2d12', accent: '#fbbf24', font: 'modern', radius: 'square', aliases: ['roofing', 'roofing contractor', 'roofers'] },
  hvac: { template: 'bold', primary: '#0c4a6e', accent: '#f97316', font: 'modern', radius: 'soft', aliases: ['heating', 'air conditioning', 'heating and cooling', 'hvac contractor'] },
  locksmith: { template: 'bold', primary: '#18181b', accent: '#eab308', font: 'modern', radius: 'square', aliases: ['locksmiths'] },
  'auto repair': { template: 'bold', primary: '#111827', accent: '#dc2626', font: 'modern', radius: 'square', aliases: ['mechanic', 'auto mechanic', 'car repair', 'garage', 'auto shop'] },
  'general contractor': { template: 'bold', primary: '#292524', accent: '#ea580c', font: 'modern', radius: 'square', aliases: ['contractor', 'builder', 'construction', 'handyman', 'remodeling'] },
  'pest control': { template: 'bold', primary: '#14532d', accent: '#facc15', font: 'modern', radius: 'soft', aliases: ['exterminator'] },
  landscaper: { template: 'fresh', primary: '#166534', accent: '#a3e635', font: 'friendly', radius: 'round', aliases: ['landscaping', 'lawn care', 'gardener', 'gardening', 'tree service'] },
  cleaning: { template: 'fresh', primary: '#0e7490', accent: '#5eead4', font: 'friendly', radius: 'round', aliases: ['cleaner', 'cleaners', 'house cleaning', 'cleaning service', 'maid service', 'janitorial'] },
  salon: { template: 'fresh', primary: '#831843', accent: '#f9a8d4', font: 'friendly', radius: 'round', aliases: ['hair salon', 'beauty salon', 'hairdresser', 'nail salon'] },
  barber: { template: 'classic', primary: '#1c1917', accent: '#b91c1c', font: 'classic', radius: 'square', aliases: ['barbershop', 'barber shop', 'barbers'] },
  spa: { template: 'fresh', primary: '#115e59', accent: '#fcd34d', font: 'friendly', radius: 'round', aliases: ['day spa', 'massage', 'massage therapist', 'wellness'] },
  bakery: { template: 'fresh', primary: '#9a3412', accent: '#fde68a', font: 'friendly', radius: 'round', aliases: ['bakeries', 'patisserie', 'cake shop'] },
  cafe: { template: 'fresh', primary: '#713f12', accent: '#86efac', font: 'friendly', radius: 'round', aliases: ['coffee shop', 'coffee', 'café'] },
  restaurant: { template: 'classic', primary: '#7f1d1d', accent: '#fbbf24', font: 'classic', radius: 'soft', aliases: ['restaurants', 'bistro', 'diner', 'pizzeria', 'taqueria'] },
  florist: { template: 'fresh', primary: '#9d174d', accent: '#bbf7d0', font: 'friendly', radius: 'round', aliases: ['flower shop', 'flowers'] },
  dentist: { template: 'classic', primary: '#0f766e', accent: '#1d4ed8', font: 'modern', radius: 'soft', aliases: ['dental', 'dental clinic', 'dentistry', 'orthodontist'] },
  chiropractor: { template: 'classic', primary: '#1e40af', accent: '#34d399', font: 'modern', radius: 'soft', aliases: ['chiropractic', 'physiotherapist', 'physical therapy'] },
  veterinarian: { template: 'fresh', primary: '#1d4ed8', accent: '#fdba74', font: 'friendly', radius: 'round', aliases: ['vet', 'veterinary', 'animal hospital', 'pet grooming', 'groomer'] },
  lawyer: { template: 'classic', primary: '#1e293b', accent: '#a16207', font: 'classic', radius: 'square', aliases: ['attorney', 'law firm', 'legal'] },
  accountant: { template: 'classic', primary: '#1e3a8a', accent: '#047857', font: 'classic', radius: 'soft', aliases: ['accounting', 'bookkeeper', 'bookkeeping', 'tax preparer', 'cpa'] },
  fitness: { template: 'bold', primary: '#111827', accent: '#22d3ee', font: 'modern', radius: 'soft', aliases: ['gym', 'personal trainer', 'yoga studio', 'pilates'] },
  photographer: { template: 'classic', primary: '#27272a', accent: '#be123c', font: 'classic', radius: 'square', aliases: ['photography', 'photo studio'] },
  'real estate': { template: 'classic', primary: '#134e4a', accent: '#b45309', font: 'classic', radius: 'soft', aliases: ['realtor', 'real estate agent', 'estate agent'] },
  painter: { template: 'bold', primary: '#312e81', accent: '#fb923c', font: 'modern', radius: 'soft', aliases: ['painting', 'painters', 'house painter'] },
  movers: { template: 'bold', primary: '#1e3a8a', accent: '#fb923c', font: 'modern', radius: 'soft', aliases: ['moving', 'moving company', 'removals'] },
};

const GENERAL: CategoryDesign = { template: 'classic', primary: '#1d4ed8', accent: '#047857', font: 'modern', radius: 'soft', aliases: [] };

const BY_NAME = new Map<string, CategoryDesign>(
  Object.entries(CATEGORIES).flatMap(([name, design]) => [[name, design] as const, ...design.aliases.map((alias) => [alias, design] as const)]),
);

/** The categories with a preset of their own (canonical names). */
export const PRESET_CATEGORIES = Object.keys(CATEGORIES);

/**
 * The preset for a business category (matched case-insensitively, with common aliases) or the general one, in its
 * usual template or in `template`: the category keeps its colours, and a template other than its usual one brings its
 * own fonts and corners.
 */
export function presetFor(category: string, template?: TemplateId): DesignPreset {
  const design = BY_NAME.get(category.trim().toLowerCase().replace(/\s+/g, ' ').replace(/&/g, 'and')) ?? GENERAL;
  const chosen = template ?? design.template;
  const style = chosen === design.template ? { font: design.font, radius: design.radius } : TEMPLATE_STYLE[chosen];
  return { template: chosen, theme: { primaryColor: design.primary, accentColor: design.accent, ...style } };
}

/** Every template's preset for every category, for checks and previews. */
export function allPresets(): { category: string; preset: DesignPreset }[] {
  return [...PRESET_CATEGORIES, 'general'].flatMap((category) => TEMPLATE_IDS.map((template) => ({ category, preset: presetFor(category, template) })));
}
