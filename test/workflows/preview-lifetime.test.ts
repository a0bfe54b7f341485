import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Booking, EmailSuppression, OutreachMessage, PreviewBatch, PreviewListing, Site } from '../../db/entities/index.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';
import { useTimeSkippingWorker } from '../helpers/worker.js';
import { batchStartOptions } from '../../workflows/preview-batch/contract.js';
import { previewBatchWorkflow } from '../../workflows/preview-batch/workflow.js';
import type { previewOutreachWorkflow } from '../../workflows/preview-outreach.js';

const DAY = 24 * 3_600_000;
const ts = useTimeSkippingWorker('preview-lifetime', undefined, { OUTREACH_DAILY_CAP: '1', PREVIEW_LIFETIME: '60d', OUTREACH_POSTAL_ADDRESS: 'WebMagic, 9 Calle 3-10, Antigua, Guatemala' });

const people = [
  { name: 'Alma Bakery', email: 'alma@example.com' },
  { name: 'Beto Barber', email: 'beto@example.com' },
  { name: 'Carla Cakes', email: 'carla@example.com' },
  // Postmark refuses this address (it bounced before): ErrorCode 406.
  { name: 'Flor Florist', email: 'flor@example.com' },
  { name: 'Dario Dentist' },
  { name: 'Elena Electric' },
];

describe('preview outreach and expiry', () => {
  it('emails each business once on the outreach stream within the cap, never a suppressed one, follows up on leads, and retires unclaimed previews', async () => {
    const em = ts.harness.orm.em.fork();
    await em.insert(EmailSuppression, { email: 'beto@example.com', reason: 'unsubscribed', createdAt: new Date() });
    ts.harness.postmark.markInactive('flor@example.com');
    const batch = em.create(PreviewBatch, { name: 'Lifetime', accepted: people.length, sendOutreach: true });
    people.forEach((p, i) => em.create(PreviewListing, {
      batch, position: i + 1, rowNumber: i + 1, phoneKey: `5555000${i}`, nameAddressKey: p.name,
      listing: { ...p, category: 'Shop', address: `${i} Calle`, city: 'Antigua', phone: `5555 000${i}` },
    }));
    await em.flush();
    const client = ts.harness.env.client;
    const handle = await client.workflow.start(previewBatchWorkflow, {
      ...batchStartOptions({ batchId: batch.id, name: batch.name, total: people.length, next: 1, pace: { concurrency: 4, ratePerSecond: 10, continueAsNewEvery: 100 }, followUpAfterMs: 14 * DAY }),
      taskQueue: ts.taskQueue,
    });
    ts.started.push(handle);
    const rows = await eventually(() => em.fork().find(PreviewListing, { batch: batch.id, status: 'done' }, { populate: ['site'], orderBy: { position: 'asc' } }), (r) => r.length === people.length, 60_000);
    const site = (name: string) => rows.find((r) => r.listing.name === name)!.site!;
    // Elena claims hers (no email: no outreach); the others stay unclaimed.
    await em.fork().nativeUpdate(Site, { id: site('Elena Electric').id }, { status: 'owned' });
    await em.fork().insert(Booking, { id: randomUUID(), createdAt: new Date(), site: site('Alma Bakery').id, kind: 'contact', name: 'A visitor', email: 'visitor@example.com', status: 'new' });

    const outcome = (name: string) => client.workflow.getHandle<typeof previewOutreachWorkflow>(workflowIds.previewOutreach(rows.find((r) => r.listing.name === name)!.id)).result();
    expect(await outcome('Alma Bakery')).toEqual({ preview: 'sent', followUp: 'sent' });
    expect(await outcome('Beto Barber')).toEqual({ preview: 'suppressed', followUp: null });
    expect(await outcome('Carla Cakes')).toEqual({ preview: 'sent', followUp: 'nothing_to_report' });
    // The refused address joins the suppression list, and its message gave its place under the cap back.
    expect(await outcome('Flor Florist')).toEqual({ preview: 'suppressed', followUp: null });
    expect(await em.fork().findOne(EmailSuppression, { email: 'flor@example.com' })).toMatchObject({ reason: 'bounced' });
    for (const r of rows.slice(4)) await expect(client.workflow.getHandle(workflowIds.previewOutreach(r.id)).describe()).rejects.toThrow();

    const sent = ts.harness.postmark.sent();
    expect(sent.map((m) => [m.To, m.Tag]).sort()).toEqual([['alma@example.com', 'outreach_follow_up'], ['alma@example.com', 'outreach_preview'], ['carla@example.com', 'outreach_preview']]);
    for (const message of sent) {
      expect(message.MessageStream).toBe('outreach');
      const header = (name: string) => message.Headers.find((h) => h.Name === name)?.Value;
      expect(header('List-Unsubscribe')).toMatch(/^<mailto:unsubscribe@webmagic\.local\?subject=unsubscribe%20[^>]+>, <http:\/\/webmagic\.test\/api\/v1\/outreach\/unsubscribe\?token=[^>]+>$/);
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(message.TextBody).toContain('WebMagic, 9 Calle 3-10, Antigua, Guatemala');
      expect(message.TextBody).toContain('Unsubscribe: http://webmagic.test/unsubscribe?token=');
    }
    expect(sent.find((m) => m.Tag === 'outreach_follow_up')?.TextBody).toContain('1 enquiry from a customer');
    // A cap of one a day: the two first messages went out on different days.
    const firsts = await em.fork().find(OutreachMessage, { kind: 'preview', outcome: 'sent' });
    expect(firsts).toHaveLength(2);
    expect(new Set(firsts.map((m) => m.sendDay)).size).toBe(2);

    // The unclaimed previews are retired when their 60 days are over; the claimed one stays.
    expect(await handle.result()).toEqual({ batchId: batch.id, cancelled: false });
    const after = await em.fork().find(PreviewListing, { batch: batch.id }, { populate: ['site'], orderBy: { position: 'asc' } });
    expect(after.map((r) => [r.listing.name, r.site!.status, r.retiredAt !== null])).toEqual([
      ['Alma Bakery', 'cancelled', true], ['Beto Barber', 'cancelled', true], ['Carla Cakes', 'cancelled', true], ['Flor Florist', 'cancelled', true], ['Dario Dentist', 'cancelled', true],
      ['Elena Electric', 'owned', false],
    ]);
    await recordHistory(handle, 'preview-batch-expired');
    await recordHistory(client.workflow.getHandle(workflowIds.previewOutreach(rows[0]!.id)), 'preview-outreach-follow-up');
  }, 180_000);
});
