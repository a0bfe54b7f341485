import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { escapeHtml } from '../../lib/html.js';

/** The size link previews show best (OpenGraph's and Twitter's large card). */
export const SOCIAL_IMAGE_SIZE = { width: 1200, height: 630 } as const;

/** What a site's generated social card shows. */
export interface SocialCard {
  name: string;
  /** A second line under the name, e.g. "Plumber · Austin". */
  subtitle: string;
  primaryColor: string;
  accentColor: string;
}

/** The path prefix of generated social cards, served on every host. */
export const SOCIAL_IMAGE_PREFIX = '/_wm/social/';

/** A short digest of everything the card shows: a new name or colour gives a new address, so a card may be cached for good. */
export function socialCardVersion(card: SocialCard): string {
  return createHash('sha256').update(JSON.stringify([card.name, card.subtitle, card.primaryColor, card.accentColor])).digest('base64url').slice(0, 12);
}

/** The stable path of a site's social card (`/_wm/social/<slug>-<version>.png`). */
export function socialImagePath(slug: string, card: SocialCard): string {
  return `${SOCIAL_IMAGE_PREFIX}${slug}-${socialCardVersion(card)}.png`;
}

/** The slug and version a social card path names, or null when it is not one. */
export function parseSocialImageFile(file: string): { slug: string; version: string } | null {
  const match = /^([a-z0-9-]{1,100})-([A-Za-z0-9_-]{12})\.png$/.exec(file);
  return match ? { slug: match[1]!, version: match[2]! } : null;
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2). */
function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The words of `text` in lines of at most `width` characters (a word longer than a line is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else {
      line = line ? `${line} ${piece}` : piece;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The name in the largest type that fits in three lines across the card. */
function nameLines(name: string): { size: number; lines: string[] } {
  for (const size of [104, 88, 72, 60]) {
    const lines = wrap(name, Math.floor(1040 / (size * 0.68)));
    if (lines.length <= 3) return { size, lines };
  }
  const lines = wrap(name, Math.floor(1040 / (60 * 0.68)));
  return { size: 60, lines: [...lines.slice(0, 2), `${lines[2] ?? ''}…`] };
}

/** The card as SVG: the name on the theme's primary colour, the subtitle below, an accent band at the foot. */
export function socialCardSvg(card: SocialCard): string {
  const { width, height } = SOCIAL_IMAGE_SIZE;
  const ink = luminance(card.primaryColor) > 0.4 ? '#111827' : '#ffffff';
  const { size, lines } = nameLines(card.name);
  const lineHeight = Math.round(size * 1.12);
  // The name and the subtitle (56 px) as one block, centred above the accent band.
  const top = Math.round((height - 60 - lines.length * lineHeight - 56) / 2) + size;
  const text = lines.map((line, i) => `<text x="80" y="${top + i * lineHeight}" font-size="${size}" font-weight="700">${escapeHtml(line)}</text>`).join('');
  const subtitle = `<text x="80" y="${top + (lines.length - 1) * lineHeight + 72}" font-size="40" opacity="0.85">${escapeHtml(wrap(card.subtitle, 48)[0] ?? '')}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="${card.primaryColor}"/>
<rect y="${height - 60}" width="100%" height="60" fill="${card.accentColor}"/>
<g fill="${ink}" font-family="DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif">${text}${subtitle}</g>
</svg>`;
}

/** Draws the card as a 1200×630 PNG. */
export async function renderSocialImage(card: SocialCard): Promise<Buffer> {
  return sharp(Buffer.from(socialCardSvg(card))).png({ compressionLevel: 9, palette: true }).toBuffer();
}
