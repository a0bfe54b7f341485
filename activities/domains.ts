import type { EntityManager, Loaded, MikroORM } from '@mikro-orm/postgresql';
import type { IDomainVerificationRecord } from '../db/entities/domain-verification-record.entity.js';
import { CustomerSiteOwnership, DomainVerificationRecord, Site } from '../db/entities/index.js';
import type { AppConfig } from '../lib/config.js';
import type { DnsResolver } from '../lib/dns/resolver.js';
import { observeDomain, verificationRecordName, type DnsObservation } from '../lib/dns/verification.js';
import { domainPageUrl, siteUrl } from '../lib/urls.js';
import type { SendEmailInput } from './email.js';

/** What a DNS check of a site's domain came to. */
export type DomainCheck =
  | { state: 'checked'; domain: string; tokenFound: boolean; pointsToPlatform: boolean }
  /** The domain row is gone (the owner disconnected or replaced it). */
  | { state: 'gone' }
  /** The site is suspended: nothing changes until it is back. */
  | { state: 'paused' }
  /** The site is cancelled: the domain is no longer looked after. */
  | { state: 'site_closed' };

/** Which domain row of which site an activity acts on. */
export interface DomainRef {
  siteId: string;
  recordId: string;
}

function describe(seen: DnsObservation | null, target: string): string {
  if (!seen) return 'no check has completed';
  if (seen.error) return `DNS could not be asked (${seen.error})`;
  const parts = [
    seen.tokenFound ? 'the TXT record with your token' : seen.txt.length ? `a TXT record with other values (${seen.txt.join(', ')})` : 'no TXT record',
    seen.cname.length ? `a CNAME to ${seen.cname.join(', ')}` : seen.a.length || seen.aaaa.length ? `addresses ${[...seen.a, ...seen.aaaa].join(', ')}` : 'no CNAME or A record',
  ];
  const text = `${parts.join(' and ')}${seen.pointsToPlatform ? '' : ` (expected ${target})`}`;
  return text.length > 590 ? `${text.slice(0, 587)}...` : text;
}

/** A configured wait as the whole minutes an email names (at least one). */
const wholeMinutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));

/** The site's first owner, who hears about its domain. */
async function owner(em: EntityManager, siteId: string) {
  const ownership = await em.findOne(CustomerSiteOwnership, { site: siteId, role: 'owner' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } });
  return ownership?.customer ?? null;
}

/** What every domain email shares: its key (once per domain row and outcome), recipient, and the model fields naming owner, site, domain and domain page. */
function domainEmailBase(config: AppConfig, outcome: 'verified' | 'failed' | 'lapsed', record: Loaded<IDomainVerificationRecord, 'site'>, customer: { email: string; fullName: string }) {
  return {
    idempotencyKey: `domain:${record.id}:${outcome}`,
    to: customer.email,
    model: { name: customer.fullName, siteTitle: record.site.title, domain: record.domain, domainUrl: domainPageUrl(config, record.site.id) },
  };
}

/** Custom-domain activities: DNS checks through the resolver, and the rows that decide what is served. */
export function createDomainActivities(deps: { orm: MikroORM; config: AppConfig; dns: DnsResolver }) {
  const target = deps.config.domains;

  return {
    /** Looks the domain up in DNS and records what was seen; `missingSince` (workflow time) is kept for the owner to read. */
    async checkDomain(input: DomainRef & { at: string; missingSince: string | null }): Promise<DomainCheck> {
      const em = deps.orm.em.fork();
      const record = await em.findOne(DomainVerificationRecord, { id: input.recordId, site: input.siteId }, { populate: ['site'] });
      if (!record || record.status === 'failed' || record.status === 'lapsed') return { state: 'gone' };
      if (record.site.status === 'cancelled') return { state: 'site_closed' };
      if (record.site.status === 'suspended') return { state: 'paused' };
      const seen = await observeDomain(deps.dns, record.domain, record.token, target);
      record.lastSeen = { ...seen };
      record.checkedAt = new Date(input.at);
      record.missingSince = input.missingSince ? new Date(input.missingSince) : null;
      if (record.status === 'pending' && seen.tokenFound && !seen.pointsToPlatform) record.status = 'txt_verified';
      await em.flush();
      return { state: 'checked', domain: record.domain, tokenFound: seen.tokenFound, pointsToPlatform: seen.pointsToPlatform };
    },

    /**
     * Starts serving a proven domain: the site's custom domain becomes it and the site's other domain rows go.
     * Answers `taken` (and fails the row) when another site took the name first, else the email to send (null: no owner).
     */
    async markDomainVerified(input: DomainRef & { at: string }): Promise<SendEmailInput | null | 'gone' | 'taken'> {
      const em = deps.orm.em.fork();
      return em.transactional(async (tx) => {
        const record = await tx.findOne(DomainVerificationRecord, { id: input.recordId, site: input.siteId }, { populate: ['site'] });
        if (!record) return 'gone';
        const takenBy = await tx.findOne(Site, { customDomain: record.domain, id: { $ne: input.siteId } });
        if (takenBy) {
          record.status = 'failed';
          return 'taken';
        }
        const site = record.site;
        if (record.status !== 'verified') {
          record.status = 'verified';
          record.verifiedAt = new Date(input.at);
        }
        record.missingSince = null;
        site.customDomain = record.domain;
        await tx.nativeDelete(DomainVerificationRecord, { site: input.siteId, id: { $ne: record.id } });
        const customer = await owner(tx, input.siteId);
        if (!customer) return null;
        const base = domainEmailBase(deps.config, 'verified', record, customer);
        return { ...base, template: 'domain_verified', model: { ...base.model, siteUrl: siteUrl(deps.config, site.slug, record.domain) } };
      });
    },

    /** Gives up on a domain that was not proven in time; answers the email with what DNS showed. */
    async markDomainFailed(input: DomainRef): Promise<SendEmailInput | null> {
      const em = deps.orm.em.fork();
      const record = await em.findOne(DomainVerificationRecord, { id: input.recordId, site: input.siteId }, { populate: ['site'] });
      if (!record) return null;
      if (record.status !== 'verified') record.status = 'failed';
      await em.flush();
      const customer = await owner(em, input.siteId);
      if (!customer) return null;
      const base = domainEmailBase(deps.config, 'failed', record, customer);
      return {
        ...base,
        template: 'domain_failed',
        model: {
          ...base.model,
          found: describe(record.lastSeen as DnsObservation | null, target.cnameTarget),
          recordName: verificationRecordName(record.domain), token: record.token,
          target: `CNAME ${target.cnameTarget}${target.aRecords.length ? ` or A ${target.aRecords.join(', ')}` : ''}`,
          waitedMinutes: wholeMinutes(deps.config.domains.verifyTimeoutMs),
        },
      };
    },

    /** Stops serving a verified domain whose records stayed missing; answers the email pointing at the site's other address. */
    async stopServingDomain(input: DomainRef): Promise<SendEmailInput | null> {
      const em = deps.orm.em.fork();
      return em.transactional(async (tx) => {
        const record = await tx.findOne(DomainVerificationRecord, { id: input.recordId, site: input.siteId }, { populate: ['site'] });
        if (!record) return null;
        record.status = 'lapsed';
        if (record.site.customDomain === record.domain) record.site.customDomain = null;
        const customer = await owner(tx, input.siteId);
        if (!customer) return null;
        const base = domainEmailBase(deps.config, 'lapsed', record, customer);
        return { ...base, template: 'domain_lapsed', model: { ...base.model, siteUrl: siteUrl(deps.config, record.site.slug), waitedMinutes: wholeMinutes(deps.config.domains.lapseAfterMs) } };
      });
    },
  };
}
