import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { INBOX_CHANNEL, InboxWaker } from '../../api/webhooks/inbox.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signalledEventIds } from '../helpers/history.js';
import { claimPayment, deliver, settled, siteIds } from '../helpers/webhook-inbox.js';

// The process that stores a delivery wakes the relays of every process with NOTIFY; here the only relay runs in
// another process and would not poll for ten minutes, so only the notification can bring the event to it.
let ingest: TestApi;
let relay: TestApi;

beforeAll(async () => {
  ingest = await createTestApi({}, { relay: false });
  await resetDatabase(ingest.orm);
  await seedDemoSites(ingest.orm.em.fork(), ingest.config.pricing);
  relay = await createTestApi({ TEMPORAL_TASK_QUEUE: ingest.config.temporal.taskQueue, WEBHOOK_RELAY_POLL: '10m' });
  await relay.app.ready();
});
afterAll(async () => {
  await ingest.close();
  await relay.close();
});

it('wakes the relay of another process at once', async () => {
  // The relay has made its first scan of the (empty) inbox and now waits for a notification.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const [siteId] = await siteIds(ingest);
  expect((await deliver(ingest, 'msg_wake', claimPayment(siteId!))).statusCode).toBe(200);
  expect((await settled(relay, 'msg_wake', 10_000)).processedAt).toBeInstanceOf(Date);
  expect(await signalledEventIds(relay.temporal, workflowIds.claim(siteId!))).toEqual(['msg_wake']);
});

it('sends one NOTIFY while another is on its way and one after it, not one per delivery', async () => {
  const listener = new pg.Client({ connectionString: ingest.config.database.url });
  await listener.connect();
  try {
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.channel));
    await listener.query(`listen ${INBOX_CHANNEL}`);
    const waker = new InboxWaker(ingest.app.sql, (error) => { throw error; });
    for (let i = 0; i < 20; i += 1) waker.wake();
    await waker.settled();
    await listener.query('select 1');
    expect(heard).toEqual([INBOX_CHANNEL, INBOX_CHANNEL]);
  } finally {
    await listener.end();
  }
});
