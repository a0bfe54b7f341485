import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/errors.js';
import { processPhoto, sniffPhotoType } from '../../../lib/photos/pipeline.js';

const LIMITS = { maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 };

const CAMERA = { Make: 'SecretCam', Model: 'X1' };
const GPS = { GPSLatitudeRef: 'N', GPSLatitude: '14/1 38/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '90/1 30/1 0/1' };

/** A JPEG with a camera maker, optionally GPS coordinates, and orientation 6 (shown rotated 90° clockwise). */
async function cameraJpeg(width: number, height: number, withGps = true): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge(withGps ? { IFD0: CAMERA, IFD3: GPS } : { IFD0: CAMERA })
    .toBuffer();
}
const jpegWithGps = (width: number, height: number) => cameraJpeg(width, height);

async function refusal(bytes: Buffer, limits = LIMITS): Promise<AppError> {
  const error = await processPhoto(bytes, limits).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');

describe('photo pipeline', () => {
  it('drops EXIF with GPS, applies the orientation, and stores each width as AVIF, WebP and JPEG without upscaling', async () => {
    const original = await jpegWithGps(1200, 800);
    const before = await sharp(original).metadata();
    expect(before.exif?.toString('latin1')).toContain('SecretCam');
    expect(before.orientation).toBe(6);
    // The GPS block is there: the same photo without it carries less EXIF.
    const withoutGps = await sharp(await cameraJpeg(1200, 800, false)).metadata();
    expect(before.exif!.length).toBeGreaterThan(withoutGps.exif!.length);

    const photo = await processPhoto(original, LIMITS);
    expect(photo.type).toBe('jpeg');
    // Orientation 6 turns the 1200 × 800 landscape into an upright 800 × 1200 portrait.
    expect([photo.width, photo.height]).toEqual([800, 1200]);
    const jpegs = photo.variants.filter((v) => v.format === 'jpeg');
    expect(jpegs.map((v) => [v.width, v.height])).toEqual([[320, 480], [640, 960], [800, 1200]]);
    expect(photo.variants.map((v) => `${v.format}@${v.width}`).sort()).toEqual(
      ['avif@320', 'avif@640', 'avif@800', 'jpeg@320', 'jpeg@640', 'jpeg@800', 'webp@320', 'webp@640', 'webp@800'],
    );
    for (const variant of photo.variants) {
      const meta = await sharp(variant.body).metadata();
      expect(meta.format).toBe(variant.format === 'avif' ? 'heif' : variant.format);
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(variant.body.includes('SecretCam')).toBe(false);
      expect(variant.bytes).toBe(variant.body.length);
    }
  });

  it('keeps a small photo at its own width', async () => {
    const small = await sharp({ create: { width: 200, height: 100, channels: 4, background: '#00ff0080' } }).png().toBuffer();
    const photo = await processPhoto(small, LIMITS);
    expect(photo.type).toBe('png');
    expect([...new Set(photo.variants.map((v) => v.width))]).toEqual([200]);
  });

  it('sniffs the type from the bytes, whatever the file is called', async () => {
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).webp().toBuffer();
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).avif().toBuffer();
    expect(sniffPhotoType(webp)).toBe('webp');
    expect(sniffPhotoType(avif)).toBe('avif');
    expect(sniffPhotoType(SVG)).toBeNull();
    expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeNull();
  });

  it('refuses SVG (415), also when it would have been named photo.jpg, and other files', async () => {
    const svg = await refusal(SVG);
    expect([svg.statusCode, svg.code]).toEqual([415, 'photo_type_refused']);
    expect(svg.message).toMatch(/SVG/);
    const html = await refusal(Buffer.from('  <html><body onload="alert(1)"></body></html>'));
    expect(html.code).toBe('photo_type_refused');
    const gif = await refusal(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    expect([gif.statusCode, gif.code]).toEqual([415, 'photo_type_unsupported']);
  });

  it('refuses too many bytes and too many pixels with 413 and the limit in words', async () => {
    const photo = await jpegWithGps(400, 300);
    const large = await refusal(photo, { ...LIMITS, maxBytes: 1024 });
    expect([large.statusCode, large.code]).toEqual([413, 'photo_too_large']);
    expect(large.message).toContain('photos may be at most');
    const pixels = await refusal(photo, { ...LIMITS, maxPixels: 100_000 });
    expect([pixels.statusCode, pixels.code]).toEqual([413, 'photo_too_many_pixels']);
    expect(pixels.message).toContain('400 × 300 pixels');
  });

  it('refuses a damaged file that only starts like a JPEG', async () => {
    const damaged = await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 7)]));
    expect([damaged.statusCode, damaged.code]).toEqual([400, 'photo_unreadable']);
  });
});
