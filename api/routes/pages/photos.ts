import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../../lib/errors.js';
import { formatOfExtension, variantKey } from '../../../lib/photos/variants.js';
import { errorResponses } from '../../schemas/common.js';

const FILE = /^([0-9]{1,4})\.(avif|webp|jpg)$/;

/** Serves uploaded photos on every host (the API's, the sites host, subdomains and custom domains) at immutable URLs. */
export const photoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/_wm/photos/:photoId/:file', {
    schema: {
      tags: ['hosting'], summary: 'One size and encoding of an uploaded photo (`<width>.avif`, `.webp` or `.jpg`); cached for a year, never changed',
      params: Type.Object({ photoId: Type.String({ format: 'uuid' }), file: Type.String({ pattern: FILE.source }) }),
      produces: ['image/avif', 'image/webp', 'image/jpeg'],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The image' }), ...errorResponses(400, 404) },
    },
  }, async (request, reply) => {
    const [, width = '', extension = ''] = FILE.exec(request.params.file) ?? [];
    const format = formatOfExtension(extension);
    const stored = format ? await app.photos.get(variantKey(request.params.photoId.toLowerCase(), Number(width), format)) : null;
    if (!stored) throw new NotFoundError('photo_not_found', 'There is no photo at this address.');
    return reply.type(stored.contentType).header('cache-control', 'public, max-age=31536000, immutable').send(stored.body);
  });
};
