import { useEffect, useState } from 'preact/hooks';
import type { BatchSummaryView, BatchView, ImportAnswer } from '../../services/preview-batches.js';
import { consoleCall } from './api.js';
import { ConsoleShell, workflowUiUrl } from './console.js';
import { navigate } from './router.js';
import { Field, FormError, formatDateTime, Notice, onSubmit, PageTitle, StatusBadge, useAction, useLoad } from './ui.js';

const PROGRESS: { key: keyof BatchSummaryView['counts']; label: string }[] = [
  { key: 'done', label: 'Done' }, { key: 'failed', label: 'Failed' }, { key: 'held', label: 'Held' }, { key: 'pending', label: 'Left' }, { key: 'cancelled', label: 'Cancelled' },
];

function Progress(props: { batch: BatchSummaryView }) {
  const { counts, accepted } = props.batch;
  const settled = accepted - counts.pending;
  return (
    <>
      <progress max={accepted} value={settled} aria-label={`${settled} of ${accepted} listings settled`}>{settled} / {accepted}</progress>
      <dl class="batch-progress">
        {PROGRESS.map((p) => <div key={p.key}><dt>{p.label}</dt><dd>{counts[p.key]}</dd></div>)}
      </dl>
    </>
  );
}

/** Generation batches: import listings (CSV or JSON) and see every batch's progress. */
export function BatchesPage(props: { url: URL }) {
  return <ConsoleShell url={props.url}>{() => <Batches />}</ConsoleShell>;
}

function Batches() {
  const { data, error, reload } = useLoad(() => consoleCall<{ batches: BatchSummaryView[] }>('GET', '/admin/preview-batches'), []);
  return (
    <>
      <PageTitle>Preview batches</PageTitle>
      <ImportForm onImported={reload} />
      <h2>Batches</h2>
      {error && <Notice kind="error">{error.message}</Notice>}
      {data && data.batches.length === 0 && <p>No batch yet.</p>}
      {data && data.batches.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Batches">
          <table class="stack">
            <caption class="visually-hidden">Batches, newest first</caption>
            <thead><tr><th scope="col">Batch</th><th scope="col">Status</th><th scope="col">Done</th><th scope="col">Failed</th><th scope="col">Held</th><th scope="col">Left</th><th scope="col">Imported</th></tr></thead>
            <tbody>
              {data.batches.map((b) => (
                <tr key={b.id}>
                  <td data-label="Batch"><a href={`/console/batches/${b.id}`}>{b.name}</a></td>
                  <td data-label="Status"><StatusBadge status={b.status} /></td>
                  <td data-label="Done">{b.counts.done} / {b.accepted}</td>
                  <td data-label="Failed">{b.counts.failed}</td>
                  <td data-label="Held">{b.counts.held}</td>
                  <td data-label="Left">{b.counts.pending}</td>
                  <td data-label="Imported">{formatDateTime(b.created_at)}{b.created_by ? ` by ${b.created_by}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** A file's bytes as base64 text (the data URL the browser reads, without its prefix). */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(new Error(`The photo ${file.name} could not be read.`));
    reader.readAsDataURL(file);
  });
}

/** The listings of a file as the import takes them: a JSON array as `listings`, anything else as CSV text. */
function listingsOf(file: File, text: string): { listings: unknown[] } | { csv: string } {
  if (!file.name.toLowerCase().endsWith('.json')) return { csv: text };
  try {
    return { listings: JSON.parse(text) as unknown[] };
  } catch {
    throw new Error(`${file.name} is not valid JSON; save it again as a JSON array of listings, or use a CSV.`);
  }
}

function ImportForm(props: { onImported: () => void }) {
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [outreach, setOutreach] = useState(false);
  const [report, setReport] = useState<ImportAnswer | null>(null);
  const action = useAction();
  const submit = () => action.run(async () => {
    if (!file) return;
    const answer = await consoleCall<ImportAnswer>('POST', '/admin/preview-batches', {
      name: name.trim(), send_outreach: outreach, ...listingsOf(file, await file.text()),
      ...(photos.length > 0 ? { photos: await Promise.all(photos.map(async (photo) => ({ name: photo.name, data: await base64Of(photo) }))) } : {}),
    });
    setReport(answer);
    props.onImported();
  });
  const problems = report?.rows.filter((r) => r.outcome !== 'accepted') ?? [];
  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import listings</h2>
      <p class="hint">A CSV with the columns name, category, address, city, phone and optionally email, hours (Mon–Fri=8am–5pm|Sat=9am–1pm), rating, review_count, services (a|b), reviews (text ~ author|text) and photos (file names, front.jpg|team.jpg: the first is the hero image, the rest the gallery); or a JSON array of listings.</p>
      <FormError error={action.error} fields={['name']} />
      <form onSubmit={onSubmit(submit)}>
        <Field id="batch-name" label="Batch name" required maxLength={200} value={name} onInput={setName} hint="Shown here and searchable in the Temporal UI as PreviewBatch." />
        <div class="field">
          <label for="batch-file">Listings file (.csv or .json)</label>
          <input id="batch-file" type="file" accept=".csv,.json,text/csv,application/json" required onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
        </div>
        <div class="field">
          <label for="batch-photos">Photos the listings name (optional)</label>
          <input
            id="batch-photos" type="file" multiple accept="image/jpeg,image/png,image/webp,image/avif" aria-describedby="batch-photos-hint"
            onChange={(event) => setPhotos([...(event.currentTarget.files ?? [])])}
          />
          <p class="hint" id="batch-photos-hint">JPEG, PNG, WebP or AVIF, matched to the listings by file name.{photos.length > 0 ? ` ${photos.length} chosen.` : ''}</p>
        </div>
        <div class="field checkbox">
          <input id="batch-outreach" type="checkbox" checked={outreach} onChange={(event) => setOutreach(event.currentTarget.checked)} />
          <label for="batch-outreach">Email each business that has an address its preview link (suppression list and daily cap apply)</label>
        </div>
        <button type="submit" disabled={action.busy || !file}>Import and generate</button>
      </form>
      {report && (
        <div role="region" aria-label="Import report">
          <Notice kind={report.accepted > 0 ? 'success' : 'info'}>
            {report.accepted} accepted, {report.duplicates} duplicates, {report.refused} refused.{' '}
            {report.unused_photos.length > 0 && `No accepted listing names ${report.unused_photos.join(', ')}; ${report.unused_photos.length === 1 ? 'it was' : 'they were'} not kept. `}
            {report.batch_id && <a href={`/console/batches/${report.batch_id}`}>Follow the batch</a>}
          </Notice>
          {problems.length > 0 && (
            <ul class="import-problems">
              {problems.map((r) => <li key={r.row}>Row {r.row}{r.name ? ` (${r.name})` : ''}: {r.outcome === 'duplicate' ? 'duplicate — ' : ''}{r.reason}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** One batch: progress, failures and held previews with their reasons, retry-one, cancel, and its workflow in the Temporal UI. */
export function BatchPage(props: { url: URL; id: string }) {
  return <ConsoleShell url={props.url}>{(session) => <Batch id={props.id} temporalUrl={(id) => workflowUiUrl(session, id)} />}</ConsoleShell>;
}

function Batch(props: { id: string; temporalUrl: (workflowId: string) => string }) {
  const { data, error, reload } = useLoad(() => consoleCall<BatchView>('GET', `/admin/preview-batches/${props.id}`), [props.id]);
  const action = useAction();
  const running = data?.status === 'running';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [running]);
  if (error) return <Notice kind="error">{error.message}</Notice>;
  if (!data) return <p>Loading…</p>;
  const act = (path: string) => action.run(async () => {
    await consoleCall<BatchView>('POST', `/admin/preview-batches/${props.id}${path}`);
    reload();
  });
  return (
    <>
      <PageTitle>{data.name}</PageTitle>
      <p><StatusBadge status={data.status} /> Imported {formatDateTime(data.created_at)}{data.created_by ? ` by ${data.created_by}` : ''}. {data.send_outreach ? 'Businesses with an email address get their preview link.' : 'No outreach email.'}</p>
      <p><a href={props.temporalUrl(data.workflow_id)} target="_blank" rel="noopener">Open the batch's workflow in the Temporal UI</a></p>
      <Progress batch={data} />
      <FormError error={action.error} />
      {running && <button type="button" class="danger" disabled={action.busy} onClick={() => { if (confirm('Cancel the listings not generated yet? Previews already made stay.')) void act('/cancel'); }}>Cancel the batch</button>}
      <h2>Failed and held listings</h2>
      {data.problems.length === 0 ? <p>None.</p> : (
        <ul class="cards list">
          {data.problems.map((p) => (
            <li key={p.position} id={`listing-${p.position}`} class="card">
              <p><StatusBadge status={p.status} /> <strong>{p.name}</strong>, {p.city} — row {p.row}</p>
              <p class="work-detail">{p.reason.split('\n').map((line, i) => <span key={i}>{line}<br /></span>)}</p>
              {p.status === 'failed'
                ? <button type="button" disabled={action.busy} onClick={() => void act(`/listings/${p.position}/retry`)}>Retry this listing</button>
                : <p class="muted">Held by the quality gate: not published. Fix the listing and import it again.</p>}
            </li>
          ))}
        </ul>
      )}
      <h2>Latest previews</h2>
      {data.sites.length === 0 ? <p>None yet.</p> : (
        <ul>
          {data.sites.map((s) => <li key={s.site_id}><a href={`/console/sites/${s.site_id}`}>{s.name}</a> — <a href={s.url} target="_blank" rel="noopener">{s.slug}</a> <StatusBadge status={s.status} />{s.expires_at ? ` (retired ${formatDateTime(s.expires_at)} unless claimed)` : ''}</li>)}
        </ul>
      )}
      <p><a href="/console/batches" onClick={(event) => { event.preventDefault(); navigate('/console/batches'); }}>All batches</a></p>
    </>
  );
}
