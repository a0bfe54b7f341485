import { isSlug } from '../slug.js';

/** Longest slug the sites table accepts (see SLUG_PATTERN). */
const MAX_SLUG_LENGTH = 100;

// Letters NFKD does not decompose into a Latin base letter and marks.
const LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŋ: 'ng', ſ: 's', '&': ' and ', '@': ' at ', '+': ' plus ',
  // Greek
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x', ο: 'o', π: 'p', ρ: 'r',
  σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
  // Cyrillic
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
};

/** The text in lower-case ASCII letters, digits and spaces: accents dropped, other scripts' letters spelled out where known. */
export function transliterate(text: string): string {
  const lower = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  let out = '';
  for (const char of lower) out += LETTERS[char] ?? char;
  // Apostrophes join their word ("joe's" → "joes"); every other character that is not a letter or digit separates words.
  return out.replace(/['’`´]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
}

/** A slug from free text: transliterated words joined by hyphens, cut at a word boundary to fit `maxLength`. */
export function slugify(text: string, maxLength = MAX_SLUG_LENGTH): string {
  const words = transliterate(text).split(' ').filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > maxLength) break;
    slug = next;
  }
  return slug === '' && words[0] ? words[0].slice(0, maxLength) : slug;
}

/** Names this short, or that say only what the business is, read better with their city. */
const GENERIC_NAME = /^(the )?(bakery|cafe|coffee|restaurant|salon|barber|plumber|plumbing|electrician|dentist|florist|locksmith|garage|cleaners?|pizza|grill|bistro|diner|taller|panaderia|peluqueria)$/;

/** The base slug of a listing: its name, with its city when the name alone is short or generic (and no other hint exists). */
export function listingSlug(name: string, city: string, category: string): string {
  const base = slugify(name, 80);
  const citySlug = slugify(city, 40);
  if (base === '') return slugify(`${category} ${city}`) || 'site';
  const plain = transliterate(name);
  const withCity = citySlug !== '' && !base.includes(citySlug) && (base.length < 6 || GENERIC_NAME.test(plain));
  return withCity ? `${base}-${citySlug}` : base;
}

/** How much of a base slug every collision candidate keeps (a numbered one cuts at most 8 characters for its suffix). */
const SHARED_STEM_LENGTH = MAX_SLUG_LENGTH - 8;

/**
 * What a look-up must find among taken slugs so `resolveSlugCollision` can choose: the named candidates (the base, and
 * the base with the city) and a pattern every numbered candidate matches (a superset: it may match more).
 */
export function slugCandidates(base: string, city: string): { named: string[]; numbered: RegExp } {
  const citySlug = slugify(city, 40);
  const named = [base];
  if (citySlug !== '' && !base.includes(citySlug)) named.push(fit(base, `-${citySlug}`));
  return { named, numbered: new RegExp(`^${base.slice(0, SHARED_STEM_LENGTH).replace(/-+$/, '')}.*-[0-9]+$`) };
}

function fit(stem: string, suffix: string): string {
  return `${stem.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * The first free slug for a site, starting from its base slug: the base, then the base with the city, then
 * `-2`, `-3`, …, given the taken slugs among `slugCandidates` (e.g. from one database look-up).
 */
export function resolveSlugCollision(base: string, city: string, taken: ReadonlySet<string>): string {
  if (!isSlug(base)) throw new Error(`not a slug: ${JSON.stringify(base)}`);
  const free = slugCandidates(base, city).named.find((candidate) => !taken.has(candidate));
  if (free) return free;
  for (let n = 2; ; n += 1) {
    const candidate = fit(base, `-${n}`);
    if (!taken.has(candidate)) return candidate;
  }
}
