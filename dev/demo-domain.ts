import { randomBytes } from 'node:crypto';
import { DomainVerificationRecord, Site } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import type { AppConfig } from '../lib/config.js';
import type { LocalDnsServer } from '../lib/dns/local-server.js';
import { verificationRecordName } from '../lib/dns/verification.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { domainConnectedSignal } from '../workflows/custom-domain/contract.js';
import { customDomainWorkflow } from '../workflows/custom-domain/workflow.js';
import { workflowIds } from '../lib/workflow-ids.js';

/** The custom domain the run command connects to the demo site `plumber-joe`. */
export const DEMO_DOMAIN = 'www.example-plumber.test';

/**
 * Publishes the demo domain's records on the local DNS server and connects it to plumber-joe through the domain
 * workflow (as the owner API would), so `curl -H 'Host: www.example-plumber.test' localhost:3000/` shows the site.
 */
export async function connectDemoDomain(config: AppConfig, dns: LocalDnsServer): Promise<boolean> {
  const orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  try {
    const em = orm.em.fork();
    const site = await em.findOne(Site, { slug: 'plumber-joe' });
    if (!site) return false;
    const record = await em.findOne(DomainVerificationRecord, { site, domain: DEMO_DOMAIN, status: { $in: ['pending', 'txt_verified', 'verified'] } })
      ?? em.create(DomainVerificationRecord, { site, domain: DEMO_DOMAIN, token: `webmagic-verify-${randomBytes(24).toString('base64url')}`, expiresAt: new Date(Date.now() + config.domains.verifyTimeoutMs) });
    await em.flush();
    dns.setRecords(verificationRecordName(DEMO_DOMAIN), { TXT: [record.token] });
    dns.setRecords(DEMO_DOMAIN, { CNAME: [config.domains.cnameTarget] });
    if (record.status !== 'verified') {
      await temporal.workflow.signalWithStart(customDomainWorkflow, {
        workflowId: workflowIds.customDomain(site.id),
        taskQueue: config.temporal.taskQueue,
        args: [{ siteId: site.id, settings: config.domains }],
        signal: domainConnectedSignal,
        signalArgs: [{ recordId: record.id }],
      });
    }
    return true;
  } finally {
    await temporal.connection.close();
    await orm.close();
  }
}
