import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Business, Site, SiteVersion } from '../../db/entities/index.js';
import type { AppConfig } from '../../lib/config.js';
import { parseCsv } from '../../lib/csv.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { schemaProblem, SiteContentSchema, TEMPLATE_IDS, type SiteContent } from '../../lib/site-editor/content.js';
import { themeContrastProblems } from '../../lib/site-templates/contrast.js';
import { presetFor } from '../../lib/site-templates/presets.js';
import { SLUG_PATTERN } from '../../lib/slug.js';

const Optional = (maxLength: number) => Type.Optional(Type.String({ minLength: 1, maxLength }));

/** A preview site to create: the business, the site and its first version. */
export const PreviewSiteSchema = Type.Object({
  slug: Type.String({ pattern: SLUG_PATTERN }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  business: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Optional(40),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    address: Optional(200),
    city: Optional(100),
    hours: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Type.String({ minLength: 1, maxLength: 60 }))),
  }, { additionalProperties: false }),
  content: SiteContentSchema,
}, { additionalProperties: false });

/** A preview site to create. */
export type PreviewSiteInput = Static<typeof PreviewSiteSchema>;

/** The outcome of a bulk import: created slugs and the rows refused, with why. */
export const ImportReport = Type.Object({
  created: Type.Array(Type.Object({ row: Type.Integer(), slug: Type.String(), site_id: Type.String({ format: 'uuid' }) })),
  rejected: Type.Array(Type.Object({ row: Type.Integer(), slug: Type.Union([Type.String(), Type.Null()]), error: Type.String(), message: Type.String() })),
});
/** The outcome of a bulk import. */
export type ImportReport = Static<typeof ImportReport>;

/**
 * The content with the design filled in from the category's preset where the import left it out: the template, then
 * the fonts and corners of that template. A theme whose colours fail the contrast rule is a 400 naming the colour.
 */
export function withDesign(input: PreviewSiteInput): SiteContent {
  const { content } = input;
  const preset = presetFor(input.business.category, content.template);
  const theme = { ...content.theme, font: content.theme.font ?? preset.theme.font, radius: content.theme.radius ?? preset.theme.radius };
  const [problem] = themeContrastProblems(theme);
  if (problem) throw new ValidationError('theme_contrast', problem.message, { field: `content.theme.${problem.token}` });
  return { ...content, template: preset.template, theme };
}

/** Creates the business, the preview site and its published first version in one transaction; a taken slug is a 409. */
export async function createPreviewSite(em: EntityManager, pricing: AppConfig['pricing'], input: PreviewSiteInput): Promise<string> {
  const content = withDesign(input);
  try {
    return await em.fork().transactional(async (tx) => {
      if (await tx.count(Site, { slug: input.slug })) throw new ConflictError('slug_taken', `The slug "${input.slug}" is already used`);
      const business = tx.create(Business, { ...input.business });
      const site = tx.create(Site, {
        slug: input.slug, business, title: input.title,
        purchaseAmountCents: pricing.purchaseAmountCents, monthlyAmountCents: pricing.monthlyAmountCents, currency: pricing.currency,
      });
      const version = tx.create(SiteVersion, { site, versionNumber: 1, content, createdBy: 'admin', publishedAt: new Date(), changeSummary: 'Generated preview' });
      site.currentVersion = version;
      return site.id;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new ConflictError('slug_taken', `The slug "${input.slug}" is already used`);
    throw error;
  }
}

/** Creates each valid row in its own transaction and reports the others; row numbers start at 1. */
export async function importPreviewSites(em: EntityManager, pricing: AppConfig['pricing'], rows: unknown[]): Promise<ImportReport> {
  const report: ImportReport = { created: [], rejected: [] };
  for (const [index, row] of rows.entries()) {
    const slug = typeof row === 'object' && row !== null && typeof (row as { slug?: unknown }).slug === 'string' ? (row as { slug: string }).slug : null;
    const problem = schemaProblem(PreviewSiteSchema, row);
    if (problem || !Value.Check(PreviewSiteSchema, row)) {
      report.rejected.push({ row: index + 1, slug, error: 'invalid_row', message: problem ?? 'invalid' });
      continue;
    }
    try {
      report.created.push({ row: index + 1, slug: row.slug, site_id: await createPreviewSite(em, pricing, row) });
    } catch (error) {
      if (!(error instanceof ConflictError) && !(error instanceof ValidationError)) throw error;
      report.rejected.push({ row: index + 1, slug, error: error.code, message: error.message });
    }
  }
  return report;
}

/**
 * CSV columns of a bulk import, in any order; `services` and `hours` are `|`-separated (`hours` as `Mon–Fri=8am–5pm`).
 * The design columns may be left out or empty: the category's preset fills them (both colours or neither).
 */
export const CSV_COLUMNS = [
  'slug', 'title', 'name', 'category', 'phone', 'email', 'address', 'city', 'hours', 'headline', 'tagline', 'about', 'services', 'call_to_action',
  'template', 'font', 'radius', 'primary_color', 'accent_color',
] as const;
const OPTIONAL_CSV_COLUMNS: readonly string[] = ['hours', 'template', 'font', 'radius', 'primary_color', 'accent_color'];

/** Turns CSV text into rows shaped like the JSON import (unvalidated); a missing header column fails the whole upload. */
export function previewSitesFromCsv(text: string): { rows: unknown[] } | { error: string } {
  const [header, ...lines] = parseCsv(text);
  if (!header) return { error: 'the CSV is empty' };
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !OPTIONAL_CSV_COLUMNS.includes(c) && !names.includes(c));
  if (missing.length > 0) return { error: `the CSV header lacks: ${missing.join(', ')}` };
  const rows = lines.map((fields) => {
    const get = (column: string) => {
      const value = fields[names.indexOf(column)]?.trim() ?? '';
      return value === '' ? undefined : value;
    };
    const hours = get('hours');
    const category = get('category');
    const template = get('template')?.toLowerCase();
    const preset = presetFor(category ?? '', TEMPLATE_IDS.find((t) => t === template));
    const colours = get('primary_color') === undefined && get('accent_color') === undefined
      ? { primaryColor: preset.theme.primaryColor, accentColor: preset.theme.accentColor }
      : { primaryColor: get('primary_color'), accentColor: get('accent_color') };
    return {
      slug: get('slug'),
      title: get('title'),
      business: Object.fromEntries(Object.entries({
        name: get('name'), category, phone: get('phone'), email: get('email'), address: get('address'), city: get('city'),
        hours: hours ? Object.fromEntries(hours.split('|').map((pair): [string, string] => { const [day = '', time = ''] = pair.split('='); return [day.trim(), time.trim()]; })) : undefined,
      }).filter(([, v]) => v !== undefined)),
      content: {
        headline: get('headline'), tagline: get('tagline'), about: get('about'),
        services: (get('services') ?? '').split('|').map((s) => s.trim()).filter((s) => s !== ''),
        callToAction: get('call_to_action'),
        ...(template === undefined ? {} : { template }),
        theme: Object.fromEntries(Object.entries({ ...colours, font: get('font')?.toLowerCase(), radius: get('radius')?.toLowerCase() }).filter(([, v]) => v !== undefined)),
      },
    };
  });
  return { rows };
}
