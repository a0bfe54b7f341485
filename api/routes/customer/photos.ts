import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PhotoChangeSchema } from '../../../lib/site-editor/content.js';
import { countAttempt, LimitKeys } from '../../auth/rate-limit.js';
import { EditRequestView, PhotoAnswer } from '../../schemas/answers.js';
import { errorResponses, SingleLine } from '../../schemas/common.js';
import { photoDto, requestPhotoChanges, sitePhotos, uploadPhoto } from '../../services/photos.js';
import { customerEditRequestDto } from '../../services/site-edits.js';
import { acceptPhotoBodies, PHOTO_UPLOAD_TYPES, photoBytes, PhotoUploadBody } from '../photo-body.js';
import { editRequestLimit } from './site-edits.js';

const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** The owner's photos of a site (`/customer/sites/:siteId/photos`): upload a logo, a hero image or gallery photos, and place or remove them through an edit. */
export const photoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['photos'];
  const security = [{ bearer: [] }];
  const { config } = app.deps;
  const keys = LimitKeys.from(config);
  const countEditRequest = editRequestLimit(config);
  acceptPhotoBodies(app, config.photos.maxBytes);

  app.post('/sites/:siteId/photos', {
    config: { action: 'edits.request' },
    schema: {
      tags, security, summary: 'Upload a photo for the site (owners only); it shows once placed through an edit', params: SiteParams,
      description: 'The request body is the file itself (JPEG, PNG, WebP or AVIF; its type is read from its bytes). SVG and other markup: 415. '
        + 'Past `PHOTO_MAX_BYTES` or `PHOTO_MAX_PIXELS`: 413. Metadata (EXIF, GPS) is dropped; the photo is stored in several widths as AVIF, WebP and JPEG.',
      consumes: PHOTO_UPLOAD_TYPES,
      querystring: Type.Object({
        kind: Type.Union([Type.Literal('logo'), Type.Literal('hero'), Type.Literal('gallery')], { default: 'gallery', description: 'Where the photo is meant to go' }),
        alt: Type.Optional(SingleLine(200, 'What the photo shows, for people who cannot see it')),
      }, { additionalProperties: false }),
      body: PhotoUploadBody,
      response: { 201: PhotoAnswer, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
    },
  }, async (request, reply) => {
    const { photos: limits } = config;
    await countAttempt(request.em, reply, keys.key('photo-upload', request.customer.id), { max: limits.maxUploadsPerCustomer, windowMs: limits.uploadWindowMs }, 'for photo uploads');
    const photo = await uploadPhoto(app.photos, config, request.em, {
      siteId: request.site.id, kind: request.query.kind ?? 'gallery', customerId: request.customer.id, alt: request.query.alt?.trim() ?? null, bytes: photoBytes(request.body),
    });
    return reply.status(201).send(photoDto(photo));
  });

  app.get('/sites/:siteId/photos', {
    config: { action: 'site.read' },
    schema: { tags, security, summary: 'The site’s photos, newest first (ticket attachments included)', params: SiteParams, response: { 200: Type.Object({ photos: Type.Array(PhotoAnswer) }), ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => ({ photos: (await sitePhotos(request.em, request.site.id)).map(photoDto) }));

  app.post('/sites/:siteId/photo-edits', {
    config: { action: 'edits.request' },
    schema: {
      tags, security, summary: 'Place or remove photos: a private preview follows by email, to approve like any edit (owners only)', params: SiteParams,
      description: '`set_photo` (slot `logo` or `hero`), `remove_photo`, `add_gallery_photo`, `remove_gallery_photo`. A photo that is not the site’s: 404; a change that does not fit the live site: 409.',
      body: Type.Object({ changes: Type.Array(PhotoChangeSchema, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
      response: { 201: EditRequestView, ...errorResponses(400, 401, 402, 403, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const { site } = request;
    await countEditRequest(request, reply, site.id);
    await request.em.populate(site, ['currentVersion']);
    const created = await requestPhotoChanges(app.deps, request.em, site, request.body.changes, { customerId: request.customer.id });
    return reply.status(201).send(customerEditRequestDto(config, created));
  });
};
