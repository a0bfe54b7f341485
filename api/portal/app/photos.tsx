import { useState } from 'preact/hooks';
import type { EditRequestDto, PhotoDto } from '../../schemas/answers.js';
import type { PhotoChange, SiteContent } from '../../../lib/site-editor/content.js';
import { ownerCall, ownerUpload } from './api.js';
import type { OwnedSite } from './account.js';
import { liveContent } from './design.js';
import { navigate } from './router.js';
import { Field, fieldError, formatDate, Notice, onSubmit, useAction, useLoad } from './ui.js';

type UploadKind = 'logo' | 'hero' | 'gallery';

const KINDS: Record<UploadKind, string> = { logo: 'Logo', hero: 'Hero image (the large picture at the top)', gallery: 'Gallery photo' };
const ORIGINS: Record<string, string> = { logo: 'Uploaded as a logo', hero: 'Uploaded as a hero image', gallery: 'Uploaded for the gallery', ticket: 'Sent with a support request' };
/** The file types the API takes; the chooser offers these, the API reads the real type from the bytes. */
const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif';
/** The most characters of an alt text, as the upload routes check it. */
export const ALT_MAX = 200;

/** A photo's smallest stored JPEG, for a thumbnail. */
export function thumbnailUrl(photo: PhotoDto): string {
  return `/_wm/photos/${photo.id}/${photo.widths[0] ?? photo.width}.jpg`;
}

/** A labelled photo file chooser with the API's message about the last upload beside it; a new `reset` empties it. */
export function PhotoFileInput(props: { id: string; error: string | undefined; reset: number; onChange: (file: File | null) => void }) {
  const { id, error } = props;
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>Photo file</label>
      <p class="hint" id={`${id}-hint`}>JPEG, PNG, WebP or AVIF. We remove location and camera details before storing it.</p>
      {error && <p class="field-error" id={`${id}-error`} role="alert">{error}</p>}
      <input key={props.reset} type="file" id={id} name={id} accept={ACCEPT} required
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error ${id}-hint` : `${id}-hint`}
        onChange={(event) => props.onChange(event.currentTarget.files?.[0] ?? null)} />
    </div>
  );
}

/** The owner's photos panel: upload a logo, a hero image or gallery photos, then place or remove them through an edit. */
export function PhotosPanel(props: { site: OwnedSite }) {
  const siteId = props.site.site_id;
  const photos = useLoad(() => ownerCall<{ photos: PhotoDto[] }>('GET', `/customer/sites/${siteId}/photos`), [siteId]);
  const content = useLoad(() => liveContent(siteId), [siteId]);
  return (
    <section aria-labelledby="photos-heading" class="card">
      <h2 id="photos-heading">Photos</h2>
      <p class="hint">An uploaded photo shows on your site once you place it: we prepare a private preview, and nothing changes until you approve it.</p>
      <UploadForm siteId={siteId} onUploaded={photos.reload} />
      {photos.error && <Notice kind="error">{photos.error.message}</Notice>}
      {content.error && <Notice kind="error">{content.error.message}</Notice>}
      {photos.data && photos.data.photos.length === 0 && <p>No photos uploaded yet.</p>}
      {photos.data && photos.data.photos.length > 0 && content.data && (
        <Placements site={props.site} photos={photos.data.photos} placed={content.data.content?.photos ?? {}} />
      )}
    </section>
  );
}

function UploadForm(props: { siteId: string; onUploaded: () => void }) {
  const [kind, setKind] = useState<UploadKind>('gallery');
  const [alt, setAlt] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [round, setRound] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useAction();
  const altError = fieldError(action.error, 'alt');
  const fileError = action.error && !altError ? action.error.message : undefined;
  const submit = () => (!file ? Promise.resolve() : action.run(async () => {
    setNotice(null);
    const query = new URLSearchParams({ kind, ...(alt.trim() ? { alt: alt.trim() } : {}) });
    await ownerUpload<PhotoDto>(`/customer/sites/${props.siteId}/photos?${query.toString()}`, file);
    setNotice(`Uploaded ${file.name}. Place it on your site below.`);
    setFile(null);
    setAlt('');
    setRound((n) => n + 1);
    props.onUploaded();
  }));
  return (
    <form onSubmit={onSubmit(submit)} aria-labelledby="photo-upload-heading">
      <h3 id="photo-upload-heading">Upload a photo</h3>
      {notice && <Notice kind="success">{notice}</Notice>}
      <div class="field"><label for="photo-kind">What is it?</label>
        <select id="photo-kind" value={kind} onChange={(event) => setKind(event.currentTarget.value as UploadKind)}>
          {(Object.keys(KINDS) as UploadKind[]).map((id) => <option key={id} value={id}>{KINDS[id]}</option>)}
        </select></div>
      <PhotoFileInput id="photo-file" error={fileError} reset={round} onChange={setFile} />
      <Field id="photo-alt" label="What the photo shows (for people who cannot see it)" maxLength={ALT_MAX} value={alt} onInput={setAlt} error={altError}
        hint="For example: Our van outside the shop. Leave it empty for a purely decorative picture." />
      <button type="submit" disabled={action.busy || !file}>{action.busy ? 'Uploading…' : 'Upload'}</button>
    </form>
  );
}

function Placements(props: { site: OwnedSite; photos: PhotoDto[]; placed: NonNullable<SiteContent['photos']> }) {
  const { placed } = props;
  const action = useAction();
  const request = (change: PhotoChange) => action.run(async () => {
    const created = await ownerCall<EditRequestDto>('POST', `/customer/sites/${props.site.site_id}/photo-edits`, { changes: [change] });
    navigate(`/account/edits/${created.id}?site_id=${props.site.site_id}`);
  });
  const button = (label: string, photo: PhotoDto, change: PhotoChange) => (
    <button type="button" class="secondary" disabled={action.busy} aria-label={`${label}: ${photo.alt ?? `photo of ${formatDate(photo.created_at)}`}`} onClick={() => void request(change)}>
      {label}
    </button>
  );
  return (
    <>
      <h3>Your photos</h3>
      {action.error && (action.error.code === 'subscription_inactive'
        ? <Notice kind="error">{action.error.message}. Changes need an active subscription: <a href={`/account/subscription?site_id=${props.site.site_id}`}>go to billing</a> to start or renew it.</Notice>
        : <Notice kind="error">{action.error.message}</Notice>)}
      <ul class="photos">
        {props.photos.map((photo) => {
          const inGallery = (placed.gallery ?? []).includes(photo.id);
          const where = [placed.logo === photo.id && 'logo', placed.hero === photo.id && 'hero image', inGallery && 'gallery'].filter(Boolean).join(', ');
          return (
            <li key={photo.id} class="card photo">
              <img src={thumbnailUrl(photo)} alt={photo.alt ?? ''} width={160} height={Math.round((160 * photo.height) / photo.width)} loading="lazy" />
              <p>{photo.alt ?? <span class="muted">No description</span>}</p>
              <p class="muted">{ORIGINS[photo.kind] ?? photo.kind}, {formatDate(photo.created_at)} · {photo.width} × {photo.height}</p>
              <p>{where ? `On your site: ${where}` : 'Not on your site'}</p>
              <p class="actions">
                {placed.logo === photo.id ? button('Remove the logo', photo, { op: 'remove_photo', slot: 'logo' }) : button('Use as logo', photo, { op: 'set_photo', slot: 'logo', photoId: photo.id })}
                {placed.hero === photo.id ? button('Remove the hero image', photo, { op: 'remove_photo', slot: 'hero' }) : button('Use as hero image', photo, { op: 'set_photo', slot: 'hero', photoId: photo.id })}
                {inGallery ? button('Remove from gallery', photo, { op: 'remove_gallery_photo', photoId: photo.id }) : button('Add to gallery', photo, { op: 'add_gallery_photo', photoId: photo.id })}
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}
