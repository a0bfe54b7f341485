import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../lib/config.js';
import { createPhotoStore } from '../lib/photos/create-store.js';
import type { PhotoStore } from '../lib/photos/store.js';
import { variantKey, type PhotoVariant } from '../lib/photos/variants.js';

/** Photos uploaded before the cut-off that no version of their site places (published, draft or old). */
const UNUSED_PHOTOS = `select ph.id, ph.variants from photos ph
 where ph.created_at < ? and not exists (
   select 1 from site_versions v where v.site_id = ph.site_id
   and (ph.id::text in (v.content->'photos'->>'logo', v.content->'photos'->>'hero')
   or coalesce(v.content->'photos'->'gallery', '[]'::jsonb) @> to_jsonb(ph.id::text)))
 order by ph.created_at limit ?`;

/** Housekeeping of uploaded photos: files and rows of photos nobody uses any more. */
export function createPhotoActivities(deps: { orm: MikroORM; config: AppConfig; photos?: PhotoStore }) {
  const store = deps.photos ?? createPhotoStore(deps.config);
  return {
    /**
     * Deletes photos uploaded `PHOTO_RETENTION` before `now` that no site version places (unplaced uploads, ticket
     * attachments never placed, photos every version dropped): their stored files first, then their rows, in batches.
     * Safe to repeat: a photo whose files are gone but whose row remains is deleted again. Answers how many.
     */
    async purgeUnusedPhotos(input: { now: string; batch?: number }): Promise<number> {
      const cutOff = new Date(new Date(input.now).getTime() - deps.config.photos.retentionMs);
      const connection = deps.orm.em.fork().getConnection();
      let deleted = 0;
      for (;;) {
        const rows = await connection.execute<{ id: string; variants: PhotoVariant[] }[]>(UNUSED_PHOTOS, [cutOff, input.batch ?? 200]);
        if (rows.length === 0) return deleted;
        await Promise.all(rows.flatMap((row) => row.variants.map((v) => store.delete(variantKey(row.id, v.width, v.format)))));
        await connection.execute(`delete from photos where id in (${rows.map(() => '?').join(', ')})`, rows.map((row) => row.id));
        deleted += rows.length;
      }
    },
  };
}
