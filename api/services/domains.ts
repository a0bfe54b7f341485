import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DomainVerificationRecord, Site } from '../../db/entities/index.js';
import type { IDomainVerificationRecord } from '../../db/entities/domain-verification-record.entity.js';
import type { AppConfig } from '../../lib/config.js';
import { checkDomainName } from '../../lib/dns/domain-name.js';
import { verificationRecordName } from '../../lib/dns/verification.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { checkDomainNowSignal, domainConnectedSignal, domainRemovedSignal } from '../../workflows/custom-domain/contract.js';
import { customDomainWorkflow } from '../../workflows/custom-domain/workflow.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import type { DnsRecordDto, SiteDomainDto } from '../schemas/domains.js';
import { callTemporal } from '../temporal.js';

interface Deps {
  config: AppConfig;
  temporal: Client;
}

/** Names a custom domain may never be: the platform's own hosts and everything under them. */
export function platformHosts(config: AppConfig): string[] {
  const { hosting } = config;
  return [
    ...hosting.apiHosts, new URL(config.publicBaseUrl).hostname, config.domains.cnameTarget,
    ...(hosting.sitesBaseUrl ? [new URL(hosting.sitesBaseUrl).hostname] : []),
    ...(hosting.sitesDomain ? [hosting.sitesDomain] : []),
  ];
}

/** The site of a domain route; the customer guard has already checked the customer's access to it. */
function siteById(em: EntityManager, siteId: string) {
  return em.findOneOrFail(Site, siteId);
}

function toDto(config: AppConfig, record: IDomainVerificationRecord, servingDomain: string | null): SiteDomainDto {
  const name = checkDomainName(record.domain, []);
  const alternate = name.ok ? name.name.alternate : null;
  const isApex = name.ok && name.name.isApex;
  const { cnameTarget, aRecords, aaaaRecords } = config.domains;
  const pointing: DnsRecordDto[] = isApex
    ? [
        ...aRecords.map((value) => ({ type: 'A' as const, name: record.domain, value, purpose: 'points the domain at WebMagic' })),
        ...aaaaRecords.map((value) => ({ type: 'AAAA' as const, name: record.domain, value, purpose: 'points the domain at WebMagic (IPv6)' })),
      ]
    : [{ type: 'CNAME', name: record.domain, value: cnameTarget, purpose: 'points the domain at WebMagic' }];
  const redirect: DnsRecordDto[] = alternate === null ? [] : alternate.startsWith('www.')
    ? [{ type: 'CNAME', name: alternate, value: cnameTarget, purpose: `optional: ${alternate} redirects to ${record.domain}` }]
    : aRecords.map((value) => ({ type: 'A' as const, name: alternate, value, purpose: `optional: ${alternate} redirects to ${record.domain}` }));
  return {
    domain: record.domain,
    status: record.status,
    serving_domain: servingDomain,
    redirect_from: alternate,
    records: [{ type: 'TXT', name: verificationRecordName(record.domain), value: record.token, purpose: 'proves that you control the domain' }, ...pointing, ...redirect],
    last_checked_at: record.checkedAt?.toISOString() ?? null,
    last_seen: record.lastSeen ?? null,
    missing_since: record.missingSince?.toISOString() ?? null,
    verified_at: record.verifiedAt?.toISOString() ?? null,
    verify_by: record.expiresAt.toISOString(),
  };
}

function domainSettings(config: AppConfig) {
  return { ...config.domains };
}

/**
 * Connects a domain to an owned site: validates the name, refuses one another site serves (409), keeps the
 * current domain serving until the new one verifies, and starts (or tells) the site's domain workflow.
 */
export async function connectDomain(em: EntityManager, deps: Deps, siteId: string, input: string): Promise<{ created: boolean; domain: SiteDomainDto }> {
  const checked = checkDomainName(input, platformHosts(deps.config));
  if (!checked.ok) throw new ValidationError(checked.problem, checked.message);
  const { domain, alternate } = checked.name;
  const { record, site, created } = await em.transactional(async (tx) => {
    const site = await siteById(tx, siteId);
    if (site.status === 'cancelled') throw new ConflictError('site_not_live', 'A cancelled site cannot be given a domain');
    const taken = await tx.findOne(Site, { customDomain: { $in: alternate ? [domain, alternate] : [domain] }, id: { $ne: siteId } });
    if (taken) throw new ConflictError('domain_taken', `${domain} is already connected to another website`);
    const existing = await tx.findOne(DomainVerificationRecord, { site: siteId, domain, status: { $in: ['pending', 'txt_verified', 'verified'] } });
    if (existing) return { record: existing, site, created: false };
    // A site has one domain: an earlier attempt that is not the served domain gives way to this one.
    await tx.nativeDelete(DomainVerificationRecord, { site: siteId, domain: { $ne: site.customDomain ?? '' } });
    const record = tx.create(DomainVerificationRecord, {
      site: siteId, domain, token: `webmagic-verify-${randomBytes(24).toString('base64url')}`, status: 'pending',
      expiresAt: new Date(Date.now() + deps.config.domains.verifyTimeoutMs),
    });
    return { record, site, created: true };
  });
  if (created || record.status !== 'verified') {
    await callTemporal(deps, (client) => client.workflow.signalWithStart(customDomainWorkflow, {
      workflowId: workflowIds.customDomain(siteId),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ siteId, settings: domainSettings(deps.config) }],
      signal: domainConnectedSignal,
      signalArgs: [{ recordId: record.id }],
    }), { service: 'domain' });
  }
  return { created, domain: toDto(deps.config, record, site.customDomain ?? null) };
}

async function currentRecord(em: EntityManager, siteId: string) {
  const site = await siteById(em, siteId);
  const records = await em.find(DomainVerificationRecord, { site: siteId }, { orderBy: { createdAt: 'desc' } });
  // The newest attempt is what the owner is working on; the served domain shows while there is none.
  const record = records.find((r) => r.domain !== site.customDomain) ?? records[0];
  if (!record) throw new NotFoundError('no_domain', 'This site has no custom domain');
  return { site, record };
}

/** The site's domain: the newest attempt (or the served one), its records and what DNS last showed. */
export async function getDomain(em: EntityManager, config: AppConfig, siteId: string): Promise<SiteDomainDto> {
  const { site, record } = await currentRecord(em, siteId);
  return toDto(config, record, site.customDomain ?? null);
}

/** Asks the domain workflow for an immediate DNS check; 409 when nothing is being verified or served. */
export async function requestDomainCheck(em: EntityManager, deps: Deps, siteId: string): Promise<SiteDomainDto> {
  const { site, record } = await currentRecord(em, siteId);
  if (record.status === 'failed' || record.status === 'lapsed') {
    throw new ConflictError('domain_not_checked', `${record.domain} is ${record.status}; connect it again to start a new verification`);
  }
  await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.customDomain(siteId)).signal(checkDomainNowSignal), {
    service: 'domain',
    failure: (error) => (error instanceof WorkflowNotFoundError ? new ConflictError('domain_not_checked', 'No check is running for this domain; connect it again') : undefined),
  });
  return toDto(deps.config, record, site.customDomain ?? null);
}

/** Disconnects the site's custom domain at once (rows removed, no longer served) and ends its workflow. */
export async function removeDomain(em: EntityManager, deps: Deps, siteId: string): Promise<{ removed: string[] }> {
  const removed = await em.transactional(async (tx) => {
    const site = await siteById(tx, siteId);
    const records = await tx.find(DomainVerificationRecord, { site: siteId });
    if (records.length === 0 && !site.customDomain) throw new NotFoundError('no_domain', 'This site has no custom domain');
    await tx.nativeDelete(DomainVerificationRecord, { site: siteId });
    site.customDomain = null;
    return [...new Set(records.map((r) => r.domain))];
  });
  // No workflow left to tell is fine: the rows are gone either way.
  await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.customDomain(siteId)).signal(domainRemovedSignal).catch((error: unknown) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }), { service: 'domain' });
  return { removed };
}
