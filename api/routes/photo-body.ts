import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../lib/errors.js';
import { photoTooLarge } from '../../lib/photos/pipeline.js';

/** The content types an upload may be sent as; the photo's real type is always sniffed from its bytes. */
export const PHOTO_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/svg+xml', 'application/octet-stream'];

/** The body of a photo upload: the file's bytes, checked by the pipeline rather than a schema (a JSON schema cannot describe bytes). */
export const PhotoUploadBody = Type.Unsafe<Buffer>({ description: 'The photo file itself (JPEG, PNG, WebP or AVIF), as the whole request body' });

/**
 * Lets the routes of this plugin take a photo file as the raw request body, read up to `maxBytes` (past it: 413 with
 * the limit in words, without reading the rest).
 */
export function acceptPhotoBodies(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser(PHOTO_UPLOAD_TYPES, async (_request: unknown, payload: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size > maxBytes) throw photoTooLarge(size, maxBytes);
      chunks.push(bytes);
    }
    if (size === 0) throw new AppError(400, 'photo_empty', 'The upload is empty; choose a photo file to upload.');
    return Buffer.concat(chunks);
  });
}

/** The uploaded bytes; a body sent as JSON or a form (not a file) is refused with 415. */
export function photoBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  throw new AppError(415, 'photo_type_unsupported', 'Send the photo file itself as the request body (Content-Type image/jpeg, image/png, image/webp, image/avif or application/octet-stream).');
}
