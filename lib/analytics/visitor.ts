import { createHash } from 'node:crypto';

/** Device class derived from the user agent; nothing finer is kept. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

const BOT_PATTERN = /bot\b|bot\/|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|pingdom|uptime|monitor|preview|facebookexternalhit|curl\/|wget\/|python-|httpclient|axios\/|node-fetch|undici|go-http-client|java\/|okhttp|libwww/i;

/** True for crawlers, monitors, HTTP libraries and headless browsers (and for a missing user agent). */
export function isBot(userAgent: string | undefined): boolean {
  return !userAgent || userAgent.length < 10 || BOT_PATTERN.test(userAgent);
}

/** Mobile, tablet or desktop, from the user agent. */
export function deviceClass(userAgent: string | undefined): DeviceClass {
  const ua = userAgent ?? '';
  if (/iPad|Tablet|PlayBook|Silk|Kindle|Android(?!.*Mobile)/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(ua)) return 'mobile';
  return 'desktop';
}

/** The UTC calendar day a visitor id belongs to (the id changes at midnight UTC). */
export function visitorDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The anonymous visitor id: a hash of the day, the site, the truncated IP and the user agent under a secret salt.
 * It changes every day and cannot be reversed to an address; no cookie or stored identifier is involved.
 */
export function visitorId(input: { salt: string; siteId: string; truncatedIp: string; userAgent: string; at: Date }): string {
  return createHash('sha256')
    .update(`${input.salt}\n${visitorDay(input.at)}\n${input.siteId}\n${input.truncatedIp}\n${input.userAgent}`)
    .digest('base64url')
    .slice(0, 22);
}

/** True when the browser asks not to be tracked (`DNT: 1`) or sends Global Privacy Control (`Sec-GPC: 1`). */
export function optedOut(headers: Record<string, string | string[] | undefined>): boolean {
  return headers.dnt === '1' || headers['sec-gpc'] === '1';
}

/** The host of a referrer URL, without `www.`; null when absent, unparseable or one of the site's own hosts. */
export function referrerHost(referrer: string | undefined | null, ownHosts: readonly string[]): string | null {
  if (!referrer) return null;
  try {
    const url = new URL(referrer);
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    const withPort = url.host.toLowerCase().replace(/^www\./, '');
    if (!host || ownHosts.some((own) => [host, withPort].includes(own.toLowerCase().replace(/^www\./, '')))) return null;
    return host.slice(0, 253);
  } catch {
    return null;
  }
}

/** UTM tags of a landing URL. */
export interface Utm {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  term: string | null;
  content: string | null;
}

/** Reads the five UTM parameters from a query string (values trimmed, lower-cased source/medium, at most 200 chars). */
export function parseUtm(search: string): Utm {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const read = (key: string, lower = false) => {
    const value = params.get(`utm_${key}`)?.trim().slice(0, 200);
    if (!value) return null;
    return lower ? value.toLowerCase() : value;
  };
  return { source: read('source', true), medium: read('medium', true), campaign: read('campaign'), term: read('term'), content: read('content') };
}
