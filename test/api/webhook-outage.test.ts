import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { WebhookEvent } from '../../db/entities/index.js';
import { temporalCliPath } from '../../dev/temporal-binaries.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { signalledEventIds } from '../helpers/history.js';
import { claimPayment, deliver, settled, siteIds } from '../helpers/webhook-inbox.js';
import { createTestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';

// The only API in this file points at a Temporal address where nothing listens yet (no other relay may help).

describe('webhook ingest during a Temporal outage', () => {
  it('answers 200 while Temporal is unreachable and delivers the event once Temporal is back', async () => {
    const port = await freePort();
    const offline = await createTestApi({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, WEBHOOK_RELAY_POLL: '200ms', WEBHOOK_RELAY_RETRY_MIN: '100ms', WEBHOOK_RELAY_RETRY_MAX: '500ms' });
    let temporal: TestWorkflowEnvironment | undefined;
    try {
      await resetDatabase(offline.orm);
      await seedDemoSites(offline.orm.em.fork(), offline.config.pricing);
      const [siteId] = await siteIds(offline);
      const res = await deliver(offline, 'msg_outage', claimPayment(siteId!));
      expect(res.statusCode).toBe(200);
      await expect.poll(async () => (await offline.orm.em.fork().findOneOrFail(WebhookEvent, { providerEventId: 'msg_outage' })).attempts, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      const pending = await offline.orm.em.fork().findOneOrFail(WebhookEvent, { providerEventId: 'msg_outage' });
      expect(pending).toMatchObject({ processedAt: null, parkedAt: null });
      expect(pending.lastError).toBeTruthy();
      const admin = { authorization: `Bearer ${offline.config.auth.adminApiToken}` };
      const listed = (await offline.app.inject({ method: 'GET', url: '/api/v1/admin/webhook-events?status=pending', headers: admin })).json<{ events: { provider_event_id: string }[] }>();
      expect(listed.events.map((e) => e.provider_event_id)).toEqual(['msg_outage']);

      temporal = await TestWorkflowEnvironment.createLocal({
        server: { port, executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
      });
      const delivered = await settled(offline, 'msg_outage', 45_000);
      expect(delivered.workflowId).toBe(workflowIds.claim(siteId!));
      expect(await signalledEventIds(offline.temporal, workflowIds.claim(siteId!))).toEqual(['msg_outage']);
    } finally {
      await offline.close();
      await temporal?.teardown();
    }
  }, 90_000);
});
