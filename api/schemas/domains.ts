import { Type, type Static } from 'typebox';

/** A DNS record the owner must create. */
export const DnsRecord = Type.Object({
  type: Type.Union([Type.Literal('TXT'), Type.Literal('CNAME'), Type.Literal('A'), Type.Literal('AAAA')]),
  name: Type.String(), value: Type.String(), purpose: Type.String(),
});
/** A DNS record the owner must create. */
export type DnsRecordDto = Static<typeof DnsRecord>;

const DateTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
/** A site's custom domain as the owner sees it (snake_case, like the other portal answers). */
export const SiteDomain = Type.Object({
  domain: Type.String(),
  status: Type.String({ description: 'pending, txt_verified (token found, not yet pointing here), verified, failed, lapsed' }),
  serving_domain: Type.Union([Type.String(), Type.Null()], { description: 'The custom domain the site is served on right now' }),
  redirect_from: Type.Union([Type.String(), Type.Null()], { description: 'The apex/www counterpart that redirects to the domain' }),
  records: Type.Array(DnsRecord),
  last_checked_at: DateTime,
  last_seen: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  missing_since: DateTime,
  verified_at: DateTime,
  verify_by: Type.String({ format: 'date-time' }),
});
/** A site's custom domain as the owner sees it. */
export type SiteDomainDto = Static<typeof SiteDomain>;
