import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors.js';
import { PHOTO_FORMATS, variantWidths, type PhotoFormat, type PhotoVariant } from './variants.js';

/** The photo types accepted, as read from the first bytes of the file. */
export type SniffedType = 'jpeg' | 'png' | 'webp' | 'avif';

/** Limits an upload must stay within. */
export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
}

/** A photo read, oriented and encoded: its upright size and every variant with its bytes. */
export interface ProcessedPhoto {
  type: SniffedType;
  width: number;
  height: number;
  variants: (PhotoVariant & { body: Buffer })[];
}

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** An ISO-BMFF file (`ftyp` box) whose major or compatible brands include AVIF. */
function isAvif(bytes: Buffer): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return false;
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

/** The photo type the bytes are, by their signature (never by a file name or a declared content type); null for anything else. */
export function sniffPhotoType(bytes: Buffer): SniffedType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (isAvif(bytes)) return 'avif';
  return null;
}

/** Markup (SVG, HTML, XML): text whose first visible character opens a tag. Such files can carry scripts. */
function looksLikeMarkup(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return head.startsWith('<') || /<svg[\s>]/i.test(head);
}

/** What sharp reports for each accepted type (AVIF is read by the HEIF loader). */
const SHARP_FORMAT: Record<SniffedType, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif' };

function encode(image: Sharp, format: PhotoFormat): Sharp {
  switch (format) {
    case 'avif':
      return image.avif({ quality: 50, effort: 2 });
    case 'webp':
      return image.webp({ quality: 75 });
    case 'jpeg':
      // JPEG has no transparency: a transparent logo is laid on white rather than black.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: 78, progressive: true, mozjpeg: true });
  }
}

const unreadable = () => new AppError(400, 'photo_unreadable', 'The photo could not be read; the file may be damaged. Save it again and upload it once more.');

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** 413 for an upload of at least `size` bytes past the limit, saying both in megabytes. */
export function photoTooLarge(size: number, maxBytes: number): AppError {
  return new AppError(413, 'photo_too_large', `The photo is more than ${megabytes(Math.max(size, maxBytes))}; photos may be at most ${megabytes(maxBytes)}. Upload a smaller file.`);
}

/**
 * Checks an upload without encoding it: the type is sniffed from the bytes (JPEG, PNG, WebP, AVIF; SVG and other
 * markup refused with 415), the size and pixel limits apply (413), and the header must read (400). Answers the type
 * and the upright size.
 */
export async function inspectPhoto(bytes: Buffer, limits: PhotoLimits): Promise<{ type: SniffedType; width: number; height: number }> {
  if (bytes.length === 0) throw new AppError(400, 'photo_empty', 'The upload is empty; choose a photo file to upload.');
  if (bytes.length > limits.maxBytes) {
    throw photoTooLarge(bytes.length, limits.maxBytes);
  }
  const type = sniffPhotoType(bytes);
  if (!type) {
    if (looksLikeMarkup(bytes)) throw new AppError(415, 'photo_type_refused', 'SVG and other markup files are not accepted, as they can carry scripts. Upload a JPEG, PNG, WebP or AVIF photo.');
    throw new AppError(415, 'photo_type_unsupported', 'This file is not a photo we can use. Upload a JPEG, PNG, WebP or AVIF photo.');
  }
  const metadata = await sharp(bytes).metadata().catch(() => {
    throw unreadable();
  });
  if (metadata.format !== SHARP_FORMAT[type] || !metadata.width || !metadata.height) throw unreadable();
  if (metadata.width * metadata.height > limits.maxPixels) {
    throw new AppError(413, 'photo_too_many_pixels', `The photo is ${metadata.width} × ${metadata.height} pixels; photos may have at most ${(limits.maxPixels / 1e6).toFixed(0)} megapixels. Upload a smaller photo.`);
  }
  return { type, ...metadata.autoOrient };
}

/**
 * Checks an upload (`inspectPhoto`) and makes its variants: the EXIF orientation is applied and every metadata block
 * (EXIF with GPS, XMP, IPTC, comments) is dropped, and each width is encoded as AVIF, WebP and JPEG, never upscaled.
 */
export async function processPhoto(bytes: Buffer, limits: PhotoLimits): Promise<ProcessedPhoto> {
  const { type, width, height } = await inspectPhoto(bytes, limits);
  // Decoded once (upright, metadata dropped: sharp keeps none unless asked), then resized and encoded per variant.
  const upright = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).autoOrient();
  try {
    const variants: ProcessedPhoto['variants'] = [];
    for (const target of variantWidths(width)) {
      const resized = upright.clone().resize({ width: target, withoutEnlargement: true });
      const encoded = await Promise.all(PHOTO_FORMATS.map(async (format) => {
        const { data, info } = await encode(resized.clone(), format).toBuffer({ resolveWithObject: true });
        return { width: info.width, height: info.height, format, bytes: data.length, body: data };
      }));
      variants.push(...encoded);
    }
    return { type, width, height, variants };
  } catch (error) {
    if (error instanceof Error && /pixel limit|corrupt|premature|truncated|invalid/i.test(error.message)) throw unreadable();
    throw error;
  }
}
