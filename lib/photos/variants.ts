/** The encodings every photo is stored in, best compression first; `jpeg` is the fallback every browser shows. */
export const PHOTO_FORMATS = ['avif', 'webp', 'jpeg'] as const;
/** One encoding of a photo. */
export type PhotoFormat = (typeof PHOTO_FORMATS)[number];

/** The widths photos are resized to (never past the original: a smaller photo stops at its own width). */
export const VARIANT_WIDTHS = [320, 640, 1024, 1600] as const;
/** The largest width stored. */
const LARGEST_WIDTH = 1600;

/** File extension in keys and URLs, and the content type served. */
export const FORMAT_FILES: Readonly<Record<PhotoFormat, { extension: string; contentType: string }>> = {
  avif: { extension: 'avif', contentType: 'image/avif' },
  webp: { extension: 'webp', contentType: 'image/webp' },
  jpeg: { extension: 'jpg', contentType: 'image/jpeg' },
};

/** One stored size and encoding of a photo. */
export interface PhotoVariant {
  width: number;
  height: number;
  format: PhotoFormat;
  bytes: number;
}

/** The widths a photo is stored at, smallest first: the standard widths below its own, then its own (capped at the largest). */
export function variantWidths(originalWidth: number): number[] {
  const largest = Math.min(originalWidth, LARGEST_WIDTH);
  return [...VARIANT_WIDTHS.filter((w) => w < largest), largest];
}

/** The store key of one variant: `photos/<photoId>/<width>.<ext>`; a photo id is never reused, so the key never changes content. */
export function variantKey(photoId: string, width: number, format: PhotoFormat): string {
  return `photos/${photoId}/${width}.${FORMAT_FILES[format].extension}`;
}

/** The path every host serves a variant at. */
export function variantPath(photoId: string, width: number, format: PhotoFormat): string {
  return `/_wm/photos/${photoId}/${width}.${FORMAT_FILES[format].extension}`;
}

/** The format an extension in a URL names, or null. */
export function formatOfExtension(extension: string): PhotoFormat | null {
  return PHOTO_FORMATS.find((f) => FORMAT_FILES[f].extension === extension) ?? null;
}
