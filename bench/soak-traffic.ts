/**
 * The traffic of `npm run soak`: a weighted mix of what visitors, buyers, the payment provider and owners do, sent over
 * HTTP to the API process. Every request is counted by action and status; 5xx answers keep their first body.
 */
import type { FakeRecurrente } from '../lib/recurrente/fake.js';
import { signWebhook } from '../lib/recurrente/signature.js';

/** A signed-in owner of one active site. */
export interface SoakOwner {
  email: string;
  siteId: string;
  token: string;
}

export interface SoakTarget {
  /** The API's base URL; also the sites' origin (hosted at `/sites/<slug>`). */
  api: string;
  recurrente: FakeRecurrente;
  webhookSecret: string;
  password: string;
  owners: SoakOwner[];
  /** Preview sites the soak buys, each once, in order. */
  forSale: string[];
  /** Sites whose pages are viewed. */
  pages: string[];
}

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const CLIENTS = 4000;

type Action = 'page view' | 'portal read' | 'purchase' | 'webhook replay' | 'ticket' | 'edit request' | 'login';

/** Share of each action in the mix (a page view is the page and its analytics beacon). */
export const MIX: readonly [Action, number][] = [
  ['page view', 0.58], ['portal read', 0.3], ['webhook replay', 0.05], ['purchase', 0.03], ['ticket', 0.015], ['edit request', 0.015], ['login', 0.01],
];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export class SoakTraffic {
  /** HTTP requests the soak sent to the API (the provider's webhook deliveries are counted by the simulator). */
  requests = 0;
  /** Actions not started because as many as `maxInFlight` were still running. */
  skipped = 0;
  readonly answers: Record<string, Record<number, number>> = {};
  /** 5xx answers (and requests that got no answer), and the first bodies of those. */
  serverErrorCount = 0;
  readonly serverErrors: string[] = [];
  /** Answers that are failures whatever the load (500, 502, 504, no answer): every one, unlike the 503s a loaded machine gives. */
  readonly failures: string[] = [];
  readonly paid: string[] = [];
  private inFlight = new Set<Promise<void>>();
  private nextSale = 0;

  constructor(private readonly target: SoakTarget, readonly maxInFlight = 32) {}

  /** Starts one action drawn from the mix, unless too many are in flight. */
  tick(): void {
    if (this.inFlight.size >= this.maxInFlight) {
      this.skipped += 1;
      return;
    }
    let draw = Math.random();
    const action = MIX.find(([, share]) => (draw -= share) < 0)?.[0] ?? 'page view';
    const running: Promise<void> = this.run(action).catch((error: unknown) => {
      this.record(action, 0, String(error));
    }).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  /** Waits for the actions in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private record(action: Action, status: number, body: string): void {
    const counts = (this.answers[action] ??= {});
    counts[status] = (counts[status] ?? 0) + 1;
    if (status < 500 && status !== 0) return;
    this.serverErrorCount += 1;
    if (status !== 503) this.failures.push(`${action} ${status}: ${body.slice(0, 300)}`);
    if (this.serverErrors.length < 20) this.serverErrors.push(`${action} ${status}: ${body.slice(0, 300)}`);
  }

  private async send(action: Action, path: string, init: RequestInit = {}): Promise<Response> {
    this.requests += 1;
    const res = await fetch(`${this.target.api}${path}`, { ...init, redirect: 'manual' });
    const body = await res.text();
    this.record(action, res.status, body);
    return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, headers: res.headers });
  }

  private run(action: Action): Promise<void> {
    switch (action) {
      case 'page view': return this.pageView();
      case 'portal read': return this.portalRead();
      case 'purchase': return this.purchase();
      case 'webhook replay': return this.webhookReplay();
      case 'ticket': return this.ticket();
      case 'edit request': return this.editRequest();
      case 'login': return this.login();
    }
  }

  /** A visitor from one of a few thousand addresses loads a page; its script sends the page view. */
  private async pageView(): Promise<void> {
    const slug = pick(this.target.pages);
    const client = Math.floor(Math.random() * CLIENTS);
    const forwarded = { 'x-forwarded-for': `10.77.${client >> 8}.${client & 255}`, 'user-agent': UA };
    await this.send('page view', `/sites/${slug}`, { headers: forwarded });
    const utm = client % 5 === 0 ? '?utm_source=newsletter' : '';
    await this.send('page view', '/api/v1/collect', {
      method: 'POST',
      headers: { ...forwarded, 'content-type': 'text/plain', origin: this.target.api },
      body: JSON.stringify({ site: slug, events: [{ type: 'page_view', path: `/sites/${slug}`, search: utm, referrer: 'https://www.google.com/' }] }),
    });
  }

  /** An owner reads one of the portal's pages. */
  private async portalRead(): Promise<void> {
    const owner = pick(this.target.owners);
    const path = pick([
      '/api/v1/customer/my-sites', '/api/v1/customer/my-site', '/api/v1/tickets',
      `/api/v1/customer/sites/${owner.siteId}/analytics`, `/api/v1/customer/sites/${owner.siteId}/edit-requests`,
    ]);
    await this.send('portal read', path, { headers: { authorization: `Bearer ${owner.token}` } });
  }

  /** A buyer claims the next preview and pays on the simulated checkout page; the provider then sends its webhooks. */
  private async purchase(): Promise<void> {
    const slug = this.target.forSale[this.nextSale++];
    if (!slug) return;
    const n = this.nextSale;
    const res = await this.send('purchase', `/api/v1/sites/${slug}/purchase`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `buyer${n}@example.com`, name: `Soak Buyer ${n}` }),
    });
    if (res.status !== 200) return;
    const { checkout_url: checkout } = (await res.json()) as { checkout_url: string };
    const paid = await fetch(`${checkout}/pay`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=buyer${n}%40example.com&full_name=Soak+Buyer`, redirect: 'manual',
    });
    await paid.arrayBuffer();
    if (paid.status === 303) this.paid.push(slug);
    else this.record('purchase', paid.status, 'checkout page did not take the payment');
  }

  /** The provider sends an event again (same message id, fresh signature), as Svix does after a lost answer. */
  private async webhookReplay(): Promise<void> {
    const deliveries = this.target.recurrente.deliveries();
    if (deliveries.length === 0) return;
    const { messageId, body } = pick(deliveries);
    await this.send('webhook replay', '/api/v1/webhooks/recurrente', {
      method: 'POST', headers: { 'content-type': 'application/json', ...signWebhook(this.target.webhookSecret, messageId, new Date(), body) }, body,
    });
  }

  private async ticket(): Promise<void> {
    const owner = pick(this.target.owners);
    await this.send('ticket', '/api/v1/tickets', {
      method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'How do I change my opening hours?', description: 'We now open at 9 on Saturdays. Where do I change that on my site?', site_id: owner.siteId }),
    });
  }

  private async editRequest(): Promise<void> {
    const owner = pick(this.target.owners);
    await this.send('edit request', `/api/v1/customer/sites/${owner.siteId}/edit-requests`, {
      method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: 'Change the headline to "Open on Saturdays too"' }),
    });
  }

  /** An owner signs in again (a new session); the portal keeps using the new access token. */
  private async login(): Promise<void> {
    const owner = pick(this.target.owners);
    const res = await this.send('login', '/api/v1/customer/login', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: owner.email, password: this.target.password }),
    });
    if (res.status === 200) owner.token = ((await res.json()) as { access_token: string }).access_token;
  }
}
