import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Photo, SiteVersion } from '../../db/entities/index.js';
import type { IEditRequest } from '../../db/entities/edit-request.entity.js';
import type { IPhoto, PhotoKind } from '../../db/entities/photo.entity.js';
import type { ISite } from '../../db/entities/site.entity.js';
import type { AppConfig } from '../../lib/config.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { processPhoto } from '../../lib/photos/pipeline.js';
import type { PhotoStore } from '../../lib/photos/store.js';
import { FORMAT_FILES, variantKey, variantPath } from '../../lib/photos/variants.js';
import { applyChanges, ChangeConflictError, photoIdsOf, type PhotoChange } from '../../lib/site-editor/content.js';
import { summarise } from '../../lib/site-editor/local-editor.js';
import type { ApiDeps } from '../deps.js';
import type { PhotoDto } from '../schemas/answers.js';
import type { PictureSource } from '../views/picture.js';
import { openEditRequest } from './site-edits.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** What a page needs to show the photo. */
export function pictureSource(photo: Pick<IPhoto, 'id' | 'alt' | 'variants'>): PictureSource {
  return { id: photo.id, alt: photo.alt ?? null, variants: photo.variants };
}

/** Shapes a photo for the API. */
export function photoDto(photo: IPhoto): PhotoDto {
  const widths = photo.variants.filter((v) => v.format === 'jpeg').map((v) => v.width).sort((a, b) => a - b);
  return {
    id: photo.id,
    kind: photo.kind,
    width: photo.width,
    height: photo.height,
    alt: photo.alt ?? null,
    ticket_id: photo.ticket?.id ?? null,
    created_at: photo.createdAt.toISOString(),
    widths,
    url: variantPath(photo.id, widths.at(-1) ?? photo.width, 'jpeg'),
  };
}

/** What an upload is for. */
export interface PhotoUpload {
  siteId: string;
  kind: PhotoKind;
  ticketId?: string;
  customerId: string;
  alt: string | null;
  bytes: Buffer;
}

/**
 * Checks and processes an upload (lib/photos/pipeline.ts), writes every variant to the store under the new photo's
 * id, then records the photo; if any step fails, the files written are deleted again.
 */
export async function uploadPhoto(store: PhotoStore, config: Pick<AppConfig, 'photos'>, em: EntityManager, upload: PhotoUpload): Promise<IPhoto> {
  const processed = await processPhoto(upload.bytes, config.photos);
  const id = randomUUID();
  const keys = processed.variants.map((v) => variantKey(id, v.width, v.format));
  try {
    await Promise.all(processed.variants.map((v, i) => store.put(keys[i] ?? '', v.body, FORMAT_FILES[v.format].contentType)));
    const photo = em.create(Photo, {
      id, site: upload.siteId, kind: upload.kind, ticket: upload.ticketId ?? null, width: processed.width, height: processed.height,
      variants: processed.variants.map(({ body: _body, ...variant }) => variant), alt: upload.alt, createdBy: upload.customerId,
    });
    await em.flush();
    return photo;
  } catch (error) {
    await Promise.allSettled(keys.map((key) => store.delete(key)));
    throw error;
  }
}

/** The site's photos, newest first (ticket attachments included). */
export async function sitePhotos(em: EntityManager, siteId: string): Promise<IPhoto[]> {
  return em.find(Photo, { site: siteId }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** The photos attached to a ticket, oldest first. */
export async function ticketPhotos(em: EntityManager, ticketId: string): Promise<IPhoto[]> {
  return em.find(Photo, { ticket: ticketId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

/** The photos a version's content places, as a page shows them (a preview or a rendered version). */
export async function picturesFor(em: EntityManager, siteId: string, content: Parameters<typeof photoIdsOf>[0]): Promise<PictureSource[]> {
  const ids = photoIdsOf(content);
  if (ids.length === 0) return [];
  return (await em.find(Photo, { id: { $in: ids }, site: siteId })).map(pictureSource);
}

/**
 * Opens an edit request that places or removes photos exactly as given, through the usual flow (private preview,
 * the owner's approval, publishing, rollback). Every photo named must be the site's (404), and the changes must fit
 * the live content (409), so the preview is never handed to an agent for a mistake the caller can fix.
 */
export async function requestPhotoChanges(
  deps: Deps, em: EntityManager, site: ISite, changes: PhotoChange[], by: { customerId: string; ticketId?: string },
): Promise<IEditRequest> {
  const ids = [...new Set(changes.flatMap((c) => ('photoId' in c ? [c.photoId] : [])))];
  if (ids.length > 0 && (await em.count(Photo, { id: { $in: ids }, site: site.id })) !== ids.length) {
    throw new NotFoundError('photo_not_found', 'One of the photos is not among this site\'s photos; upload it first.');
  }
  const live = site.currentVersion ? await em.findOne(SiteVersion, site.currentVersion.id) : null;
  if (!live) throw new ConflictError('site_not_published', 'This site has no published version to place photos on yet.');
  try {
    applyChanges(live.content, changes);
  } catch (error) {
    if (error instanceof ChangeConflictError) throw new ConflictError('photo_change_conflict', `This change does not fit the live site: ${error.message}.`);
    throw error;
  }
  return openEditRequest(deps, em, site, by.customerId, summarise(changes), { changes, ...(by.ticketId ? { ticketId: by.ticketId } : {}) });
}
