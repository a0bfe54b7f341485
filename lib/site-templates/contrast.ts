import type { SiteTheme } from '../site-editor/content.js';

/** WCAG AA minimum contrast for normal text. */
export const TEXT_CONTRAST = 4.5;
/** The page background every template puts text and links on. */
export const PAGE_BACKGROUND = '#ffffff';
/** The tinted band background the templates use behind alternate sections (the darkest surface links sit on). */
export const BAND_BACKGROUND = '#f4f5f7';
/** The dark text colour used on light fills. */
export const INK = '#111827';

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** The relative luminance of a `#rrggbb` colour (WCAG 2 definition). */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** The contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The text colour for a fill: white, or the dark ink when that reads better (a yellow button gets dark text). */
export function textOn(fill: string): string {
  return contrastRatio('#ffffff', fill) >= contrastRatio(INK, fill) ? '#ffffff' : INK;
}

/** A colour token that fails the contrast rule, with a sentence saying why and what to do. */
export interface ContrastProblem {
  token: 'primaryColor' | 'accentColor';
  message: string;
}

const ratio = (value: number) => `${(Math.floor(value * 100) / 100).toFixed(2)}:1`;

/**
 * Checks the theme against how every template uses it: the primary colour is the fill behind the header text and the
 * colour of links and headings on the page and band backgrounds (4.5:1 each); the accent colour fills the call-to-action
 * buttons, whose text (white or ink, whichever reads better) needs 4.5:1. Large text gets no lower bar because the same
 * colours also carry normal text; focus rings are ink with a white halo, so they reach 3:1 on any fill by construction.
 */
export function themeContrastProblems(theme: Pick<SiteTheme, 'primaryColor' | 'accentColor'>): ContrastProblem[] {
  const problems: ContrastProblem[] = [];
  const primary = theme.primaryColor.toLowerCase();
  const accent = theme.accentColor.toLowerCase();
  const onPrimary = contrastRatio(textOn(primary), primary);
  const linkOnBand = Math.min(contrastRatio(primary, PAGE_BACKGROUND), contrastRatio(primary, BAND_BACKGROUND));
  if (onPrimary < TEXT_CONTRAST || linkOnBand < TEXT_CONTRAST) {
    problems.push({
      token: 'primaryColor',
      message: `The primary colour ${primary} is too light: links and headings in it reach ${ratio(linkOnBand)} on the page and text on it ${ratio(onPrimary)}, and both need at least 4.5:1. Choose a darker primary colour.`,
    });
  }
  const onAccent = contrastRatio(textOn(accent), accent);
  if (onAccent < TEXT_CONTRAST) {
    problems.push({
      token: 'accentColor',
      message: `The accent colour ${accent} is a middle tone: button text on it reaches only ${ratio(onAccent)}, in white or in black, and needs at least 4.5:1. Choose a darker or a lighter accent colour.`,
    });
  }
  return problems;
}

/** The contrast problems of `after` when its colours differ from `before`: a theme that was already live is left alone. */
export function newThemeProblems(before: Pick<SiteTheme, 'primaryColor' | 'accentColor'>, after: Pick<SiteTheme, 'primaryColor' | 'accentColor'>): ContrastProblem[] {
  const same = before.primaryColor.toLowerCase() === after.primaryColor.toLowerCase() && before.accentColor.toLowerCase() === after.accentColor.toLowerCase();
  return same ? [] : themeContrastProblems(after);
}
