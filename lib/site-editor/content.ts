import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

const Line = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\r\\n]*\\S[^\\r\\n]*$' });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });

/** Contact details a version may carry; absent fields fall back to the business record. */
export const SiteContactSchema = Type.Object({
  phone: Type.Optional(Line(40)),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  address: Type.Optional(Line(200)),
  hours: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Line(60))),
}, { additionalProperties: false });

/** The page layouts a site can use; a version without one renders with the first. */
export const TEMPLATE_IDS = ['classic', 'bold', 'fresh'] as const;
/** A page layout. */
export type TemplateId = (typeof TEMPLATE_IDS)[number];
/** Font pairings (heading and body), all from system font stacks so a page fetches no font. */
export const FONT_PAIRINGS = ['modern', 'classic', 'friendly'] as const;
/** A font pairing. */
export type FontPairing = (typeof FONT_PAIRINGS)[number];
/** Corner radius of buttons, cards and photos. */
export const CORNER_RADII = ['square', 'soft', 'round'] as const;
/** A corner radius. */
export type CornerRadius = (typeof CORNER_RADII)[number];

/** An uploaded photo, by its id in the photo store. */
export const PhotoId = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });

/** The theme tokens of a version: colours, and optionally a font pairing and a corner radius. */
export const SiteThemeSchema = Type.Object({
  primaryColor: Color,
  accentColor: Color,
  font: Type.Optional(Type.Enum(FONT_PAIRINGS)),
  radius: Type.Optional(Type.Enum(CORNER_RADII)),
}, { additionalProperties: false });

/** The structured content of a site version: what the renderer shows and the editor changes. */
export const SiteContentSchema = Type.Object({
  template: Type.Optional(Type.Enum(TEMPLATE_IDS)),
  headline: Line(160),
  tagline: Line(300),
  about: Type.String({ minLength: 1, maxLength: 4000 }),
  services: Type.Array(Line(120), { maxItems: 30 }),
  callToAction: Line(80),
  /** The page's meta description; without one it is drawn from the tagline. */
  seoDescription: Type.Optional(Line(160)),
  faq: Type.Optional(Type.Array(Type.Object({
    question: Line(200),
    answer: Type.String({ minLength: 1, maxLength: 1000 }),
  }, { additionalProperties: false }), { maxItems: 12 })),
  /** The business's rating and review snippets, exactly as its listing gave them. */
  reviews: Type.Optional(Type.Object({
    rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    quotes: Type.Optional(Type.Array(Type.Object({
      text: Type.String({ minLength: 1, maxLength: 600 }),
      author: Type.Optional(Line(80)),
    }, { additionalProperties: false }), { maxItems: 6 })),
  }, { additionalProperties: false })),
  theme: SiteThemeSchema,
  photos: Type.Optional(Type.Object({
    logo: Type.Optional(PhotoId),
    hero: Type.Optional(PhotoId),
    gallery: Type.Optional(Type.Array(PhotoId, { maxItems: 24 })),
  }, { additionalProperties: false })),
  contact: Type.Optional(SiteContactSchema),
}, { additionalProperties: false });

/** Structured page content rendered by the hosting template. */
export type SiteContent = Static<typeof SiteContentSchema>;
/** Contact details inside a version. */
export type SiteContact = Static<typeof SiteContactSchema>;
/** The theme tokens of a version. */
export type SiteTheme = Static<typeof SiteThemeSchema>;

/** Text fields a change may set. */
export const TEXT_FIELDS = ['headline', 'tagline', 'about', 'callToAction', 'phone', 'email', 'address'] as const;

/** The single-photo places of a page: the logo and the hero image. */
export const PHOTO_SLOTS = ['logo', 'hero'] as const;
/** A single-photo place of a page. */
export type PhotoSlot = (typeof PHOTO_SLOTS)[number];
/** At most this many photos in a gallery. */
export const MAX_GALLERY_PHOTOS = 24;

/** Edits that place or remove uploaded photos (chosen by a person, never proposed by an editor). */
export const PhotoChangeSchema = Type.Union([
  Type.Object({ op: Type.Literal('set_photo'), slot: Type.Enum(PHOTO_SLOTS), photoId: PhotoId }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('remove_photo'), slot: Type.Enum(PHOTO_SLOTS) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('add_gallery_photo'), photoId: PhotoId }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('remove_gallery_photo'), photoId: PhotoId }, { additionalProperties: false }),
]);

/** An edit that places or removes a photo. */
export type PhotoChange = Static<typeof PhotoChangeSchema>;

/** One field-level edit of the structured content. */
export const SiteChangeSchema = Type.Union([
  ...PhotoChangeSchema.anyOf,
  Type.Object({ op: Type.Literal('set'), field: Type.Enum(TEXT_FIELDS), value: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set_hours'), days: Type.String({ minLength: 1, maxLength: 40 }), value: Line(60) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('add_service'), name: Line(120) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('remove_service'), name: Line(120) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('rename_service'), from: Line(120), to: Line(120) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set_color'), target: Type.Union([Type.Literal('primary'), Type.Literal('accent')]), value: Color }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set_template'), template: Type.Enum(TEMPLATE_IDS) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set_font'), font: Type.Enum(FONT_PAIRINGS) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set_radius'), radius: Type.Enum(CORNER_RADII) }, { additionalProperties: false }),
]);


/** One field-level edit. */
export type SiteChange = Static<typeof SiteChangeSchema>;

/** A list of edits with a one-line summary, as editors propose it. */
export const SiteChangeSetSchema = Type.Object({
  changes: Type.Array(SiteChangeSchema, { minItems: 1, maxItems: 20 }),
  summary: Line(300),
}, { additionalProperties: false });

/** A proposed change set. */
export type SiteChangeSet = Static<typeof SiteChangeSetSchema>;

/** The ids of every photo the content places (logo, hero, gallery). */
export function photoIdsOf(content: Pick<SiteContent, 'photos'>): string[] {
  const { logo, hero, gallery = [] } = content.photos ?? {};
  return [...new Set([logo, hero, ...gallery].filter((id): id is string => id !== undefined))];
}

/** The first schema violation of a value, or null when it is valid. */
export function schemaProblem(schema: TSchema, value: unknown): string | null {
  if (Value.Check(schema, value)) return null;
  const error = Value.Errors(schema, value)[0];
  return error ? `${error.instancePath || '/'} ${error.message}` : 'invalid';
}

/** A change that cannot apply to the content it was meant for. */
export class ChangeConflictError extends Error {
  override readonly name = 'ChangeConflictError';
}

/** The business record's contact details, used where a version carries none of its own. */
export interface BusinessContact {
  phone?: string | null;
  email?: string | null;
  address?: string | null;
  hours?: Record<string, string> | null;
}

/** The content with its contact block filled from the business where the version has none. */
export function withContact(content: SiteContent, business: BusinessContact): SiteContent {
  const own = content.contact ?? {};
  const contact: SiteContact = {};
  const phone = own.phone ?? business.phone ?? undefined;
  const email = own.email ?? business.email ?? undefined;
  const address = own.address ?? business.address ?? undefined;
  const hours = own.hours ?? business.hours ?? undefined;
  if (phone) contact.phone = phone;
  if (email) contact.email = email;
  if (address) contact.address = address;
  if (hours && Object.keys(hours).length > 0) contact.hours = { ...hours };
  return { ...structuredClone(content), contact };
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Applies the changes to a copy of the content; throws ChangeConflictError when one does not fit, or the result breaks the schema. */
export function applyChanges(content: SiteContent, changes: SiteChange[]): SiteContent {
  const next = structuredClone(content);
  for (const change of changes) {
    switch (change.op) {
      case 'set':
        if (change.field === 'phone' || change.field === 'email' || change.field === 'address') {
          next.contact = { ...next.contact, [change.field]: change.value };
        } else {
          next[change.field] = change.value;
        }
        break;
      case 'set_hours':
        next.contact = { ...next.contact, hours: { ...next.contact?.hours, [change.days]: change.value } };
        break;
      case 'add_service':
        if (next.services.some((s) => sameName(s, change.name))) throw new ChangeConflictError(`the site already lists the service "${change.name}"`);
        next.services.push(change.name);
        break;
      case 'remove_service': {
        const index = next.services.findIndex((s) => sameName(s, change.name));
        if (index < 0) throw new ChangeConflictError(`the site has no service "${change.name}"`);
        next.services.splice(index, 1);
        break;
      }
      case 'rename_service': {
        const index = next.services.findIndex((s) => sameName(s, change.from));
        if (index < 0) throw new ChangeConflictError(`the site has no service "${change.from}"`);
        next.services[index] = change.to;
        break;
      }
      case 'set_color':
        next.theme = { ...next.theme, [change.target === 'primary' ? 'primaryColor' : 'accentColor']: change.value.toLowerCase() };
        break;
      case 'set_template':
        next.template = change.template;
        break;
      case 'set_font':
        next.theme = { ...next.theme, font: change.font };
        break;
      case 'set_radius':
        next.theme = { ...next.theme, radius: change.radius };
        break;
      case 'set_photo':
        next.photos = { ...next.photos, [change.slot]: change.photoId };
        break;
      case 'remove_photo': {
        if (!next.photos?.[change.slot]) throw new ChangeConflictError(`the site has no ${change.slot} photo`);
        const { [change.slot]: _removed, ...rest } = next.photos;
        next.photos = rest;
        break;
      }
      case 'add_gallery_photo': {
        const gallery = next.photos?.gallery ?? [];
        if (gallery.includes(change.photoId)) throw new ChangeConflictError('the gallery already shows this photo');
        if (gallery.length >= MAX_GALLERY_PHOTOS) throw new ChangeConflictError(`the gallery is full (${MAX_GALLERY_PHOTOS} photos); remove one first`);
        next.photos = { ...next.photos, gallery: [...gallery, change.photoId] };
        break;
      }
      case 'remove_gallery_photo': {
        const gallery = next.photos?.gallery ?? [];
        if (!gallery.includes(change.photoId)) throw new ChangeConflictError('the gallery does not show this photo');
        next.photos = { ...next.photos, gallery: gallery.filter((id) => id !== change.photoId) };
        break;
      }
    }
  }
  const problem = schemaProblem(SiteContentSchema, next);
  if (problem) throw new ChangeConflictError(`the changed content is invalid: ${problem}`);
  return next;
}
