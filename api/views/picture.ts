import { escapeHtml } from '../../lib/html.js';
import { PHOTO_FORMATS, variantPath, type PhotoFormat, type PhotoVariant } from '../../lib/photos/variants.js';

/** What a page needs of an uploaded photo to show it: its id, its description and the sizes stored. */
export interface PictureSource {
  id: string;
  alt: string | null;
  variants: Pick<PhotoVariant, 'width' | 'height' | 'format'>[];
}

/** How one photo is shown. */
export interface PictureOptions {
  /** The text alternative; empty for a purely decorative photo. */
  alt: string;
  /** The `sizes` attribute: how wide the photo is laid out, so the browser picks the smallest variant that is sharp. */
  sizes: string;
  /** The page's main photo (the hero): loaded at once, with high priority, instead of lazily. */
  priority?: boolean;
  className?: string;
}

function widthsOf(photo: PictureSource, format: PhotoFormat): Pick<PhotoVariant, 'width' | 'height'>[] {
  return photo.variants.filter((v) => v.format === format).sort((a, b) => a.width - b.width);
}

function srcset(photo: PictureSource, format: PhotoFormat): string {
  return widthsOf(photo, format).map((v) => `${variantPath(photo.id, v.width, format)} ${v.width}w`).join(', ');
}

/** The stored width closest to `width` from above (the largest when none is that wide). */
function widthFor(photo: PictureSource, format: PhotoFormat, width: number): Pick<PhotoVariant, 'width' | 'height'> | undefined {
  const widths = widthsOf(photo, format);
  return widths.find((v) => v.width >= width) ?? widths[widths.length - 1];
}

/** The absolute URL of a photo at (about) `width` pixels, JPEG unless asked: for social cards and structured data. */
export function photoUrl(baseUrl: string, photo: PictureSource, width: number, format: PhotoFormat = 'jpeg'): string {
  const variant = widthFor(photo, format, width);
  return `${baseUrl.replace(/\/$/, '')}${variantPath(photo.id, variant?.width ?? width, format)}`;
}

/**
 * A `<picture>`: AVIF and WebP sources and a JPEG `<img>` with `srcset`, `sizes`, the intrinsic `width` and `height`
 * (so the layout does not shift while it loads) and lazy loading, or eager high-priority loading for the hero.
 */
export function renderPicture(photo: PictureSource, options: PictureOptions): string {
  const largest = widthsOf(photo, 'jpeg').at(-1);
  if (!largest) return '';
  const fallback = widthFor(photo, 'jpeg', 640) ?? largest;
  const sizes = escapeHtml(options.sizes);
  const sources = PHOTO_FORMATS.filter((f) => f !== 'jpeg').map((format) => `<source type="image/${format}" srcset="${srcset(photo, format)}" sizes="${sizes}">`);
  const loading = options.priority ? 'loading="eager" fetchpriority="high"' : 'loading="lazy"';
  const cls = options.className ? ` class="${escapeHtml(options.className)}"` : '';
  return `<picture${cls}>${sources.join('')}<img src="${variantPath(photo.id, fallback.width, 'jpeg')}" srcset="${srcset(photo, 'jpeg')}" sizes="${sizes}" width="${largest.width}" height="${largest.height}" ${loading} decoding="async" alt="${escapeHtml(options.alt)}"></picture>`;
}
