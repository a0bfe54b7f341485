import {
  baseUrl, combine, decimal, duration, email, flag, integer, list, loadSettings, oneOf, optionalBaseUrl, parseDuration, port, row, secret, text, url,
  type ConfigOf, type Rule,
} from './env-settings.js';

import { faultSpecProblem, parseFaultSpec } from './fault-injection.js';

export { ConfigError, parseDuration } from './env-settings.js';

/** The embedded PostgreSQL the run command starts when DATABASE_URL is not set (on DB_EMBEDDED_PORT). */
export const EMBEDDED_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5433/webmagic';

function embeddedDatabaseUrl(port: number): string {
  return Object.assign(new URL(EMBEDDED_DATABASE_URL), { port: String(port) }).toString();
}

/** Where the run command's local authoritative DNS server listens (UDP and TCP). */
export const LOCAL_DNS_SERVER = '127.0.0.1:5354';

/** Hosts that only make sense on a developer's machine; production refuses provider URLs pointing at them. */
const LOCAL_HOST = /^(localhost|127\.[0-9.]+|\[?::1\]?|0\.0\.0\.0)(:[0-9]+)?$/i;

/** Production admin tokens must be at least this long. */
const MIN_PRODUCTION_ADMIN_TOKEN_LENGTH = 32;

/** One AES-256 key of the Temporal payload codec, named by the id stored in each payload it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

function parseCodecKeys(text: string): CodecKey[] {
  return text.split(',').map((entry) => {
    const [id = '', encoded = ''] = entry.split(':');
    return { id, key: Buffer.from(encoded, 'base64') };
  });
}

function codecKeysProblem(text: string): string | undefined {
  const keys = parseCodecKeys(text);
  const bad = keys.filter((k) => k.key.length !== 32).map((k) => k.id);
  if (bad.length > 0) return `keys ${bad.join(', ')} must be 32 bytes, base64-encoded`;
  if (new Set(keys.map((k) => k.id)).size !== keys.length) return 'key ids must be unique';
  return undefined;
}

function notLocal(host: string, value: string): string | undefined {
  return LOCAL_HOST.test(host) ? `must not point at a local host when NODE_ENV=production (got ${value})` : undefined;
}

/** Production sends provider keys and personal data over HTTPS only. */
function httpsOnly(url: string): string | undefined {
  return /^https:\/\//i.test(url) ? undefined : `must be an https:// URL when NODE_ENV=production (got ${url})`;
}

/** A provider URL production accepts: HTTPS, and not a local host (a developer's fake). */
function remoteHttps(url: string): string | undefined {
  return httpsOnly(url) ?? notLocal(/^https:\/\/([^/]+)/i.exec(url)?.[1] ?? '', url);
}

function parseTrustProxy(text: string): boolean | string[] {
  if (text === 'true' || text === 'false') return text === 'true';
  return text.split(',');
}

/** Hosts that serve `/sites/:slug`: PUBLIC_BASE_URL's, API_HOSTS, and the loopback names outside production. */
function apiHosts(given: string, publicBaseUrl: string, production: boolean): string[] {
  const hosts = [new URL(publicBaseUrl).hostname, ...given.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)];
  if (!production) hosts.push('localhost', '127.0.0.1', '[::1]');
  return [...new Set(hosts)];
}

const DURATION_ITEM = '[0-9]+(ms|s|m|h|d)';

/** Provider calls run in activities whose attempts end after 30 s; a call must give up before its attempt is timed out. */
const ACTIVITY_ATTEMPT_LIMIT_MS = 30_000;

function underAttemptLimit(text: string): string | undefined {
  return parseDuration(text) < ACTIVITY_ATTEMPT_LIMIT_MS ? undefined : `must be shorter than ${ACTIVITY_ATTEMPT_LIMIT_MS / 1000}s (got ${text})`;
}

/** An example of the fakes' fault settings, for the settings table. */
const FAULT_SPEC_EXAMPLE = 'error=0.2,timeout=0.05,late=0.05,latency=100ms,hold=35s,seed=7';
const HOST_NAME = '^([a-z0-9-]+\\.)+[a-z0-9-]+$';

/**
 * Every setting the API, the worker and the tools read, grouped by area: its environment variable, validation,
 * default and meaning (the README's settings table is generated from these: `npm run docs:config`).
 */
export const SETTINGS = {
  env: oneOf('NODE_ENV', ['development', 'test', 'production'], 'development').doc('`development`, `test` or `production`'),
  logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info').doc('pino level (`silent` … `trace`)'),
  publicBaseUrl: baseUrl('PUBLIC_BASE_URL', 'http://localhost:3000').doc('base of links in pages and emails'),
  dataDir: text('DATA_DIR', '.data', { minLength: 1 }).doc('where the run command keeps embedded PostgreSQL and the Temporal SQLite file, and where uploaded photos are kept with `STORAGE=local`'),
  http: {
    ...row('where the API listens', { host: text('HOST', '127.0.0.1'), port: port('PORT', 3000) }),
    trustProxy: text('TRUST_PROXY', 'false', { pattern: '^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$' })
      .refuseInProduction((trust) => (trust === 'true' ? 'must name the proxies (addresses or CIDRs) when NODE_ENV=production: `true` believes any client\'s X-Forwarded-For' : undefined))
      .map(parseTrustProxy)
      .doc('whose `X-Forwarded-For` to believe (client IPs drive rate limits): `false`, `true` (not in production), or the proxies\' addresses/CIDRs, comma-separated, such as `10.0.0.0/8`'),
    ...row('a request\'s headers and body must arrive within the first (else 408 and the connection closes); an idle connection is closed after the second', {
      requestTimeoutMs: duration('HTTP_REQUEST_TIMEOUT', '30s'),
      connectionTimeoutMs: duration('HTTP_CONNECTION_TIMEOUT', '60s'),
    }),
  },
  metrics: row('where Prometheus scrapes the API and the worker (`/metrics`): listeners of their own, never the public port; port 0 turns one off', {
    host: text('METRICS_HOST', '127.0.0.1'),
    apiPort: integer('API_METRICS_PORT', 9464, { minimum: 0, maximum: 65535 }),
    workerPort: integer('WORKER_METRICS_PORT', 9465, { minimum: 0, maximum: 65535 }),
  }),
  otlpEndpoint: text('OTEL_EXPORTER_OTLP_ENDPOINT', '', { pattern: '^(https?://[^\\s]+)?$' }).map((endpoint) => endpoint || null)
    .doc('OpenTelemetry collector (OTLP/HTTP, e.g. `http://collector:4318`): traces from the API through Temporal into workflows and activities; empty: no tracing, at no cost'),
  prometheusPort: integer('PROMETHEUS_PORT', 9090, { minimum: 0, maximum: 65535 })
    .doc('port of the local Prometheus the run command starts (scraping both metrics listeners, with the alert rules); 0: none'),
  database: combine({
    url: url('DATABASE_URL', EMBEDDED_DATABASE_URL)
      .shown('embedded PostgreSQL on `127.0.0.1:5433`')
      .refuseInProduction((_, given) => (given ? undefined : 'must be set explicitly when NODE_ENV=production'))
      .doc('PostgreSQL connection string (required in production)'),
    ...row('pool size; how long to wait for a connection (a free pooled one, or a new one) before failing: past it, or with the database unreachable, the API answers 503 with `Retry-After`', {
      poolMax: integer('DB_POOL_MAX', 10, { minimum: 1, maximum: 200 }),
      connectTimeoutMs: integer('DB_CONNECT_TIMEOUT_MS', 1500, { minimum: 100 }),
    }),
    apiStatementTimeoutMs: duration('DB_API_STATEMENT_TIMEOUT', '8s')
      .doc('longest statement (lock waits included) of the API\'s connections; past it the request answers 503 with `Retry-After`, so a webhook is answered well within the provider\'s 15 s'),
    embeddedPort: port('DB_EMBEDDED_PORT', 5433).doc('port of the embedded PostgreSQL the run command starts when `DATABASE_URL` is not set'),
  }, ({ embeddedPort, ...database }, context) => {
    const embedded = !context.given('DATABASE_URL');
    return { ...database, url: embedded ? embeddedDatabaseUrl(embeddedPort) : database.url, embedded };
  }),
  temporal: combine({
    ...row('Temporal frontend, namespace and the worker\'s task queue; set explicitly, the run command uses a server already answering there', {
      address: text('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace: text('TEMPORAL_NAMESPACE', 'default', { minLength: 1 }),
      taskQueue: text('TEMPORAL_TASK_QUEUE', 'webmagic', { minLength: 1 }),
    }),
    rpcTimeoutMs: duration('TEMPORAL_RPC_TIMEOUT', '10s')
      .doc('deadline of every API call into Temporal (purchase, payment signals); past it, or with Temporal unreachable, the API answers 503 with `Retry-After`'),
    maxCachedWorkflows: text('WORKER_MAX_CACHED_WORKFLOWS', '', { pattern: '^([2-9]|[1-9][0-9]+)?$' }).map((n) => (n ? Number(n) : null))
      .shown('the SDK\'s (from the heap limit)')
      .doc('workflows the worker keeps in its sticky cache (each costs about 0.5 MB of RSS; past it the least recently used are evicted and replayed from history when they next wake)'),
    security: {
      tls: combine(row('mTLS to a Temporal cluster: paths of the client certificate and key (both or neither), the CA that signed the server\'s certificate, and the name to verify it against; used by the API client and the worker', {
        certPath: text('TEMPORAL_TLS_CERT', ''),
        keyPath: text('TEMPORAL_TLS_KEY', ''),
        caPath: text('TEMPORAL_TLS_CA', ''),
        serverName: text('TEMPORAL_TLS_SERVER_NAME', ''),
      }), (tls) => (tls.certPath === '' ? null : { ...tls, caPath: tls.caPath || null, serverName: tls.serverName || null })),
      apiKey: text('TEMPORAL_API_KEY', '').map((key) => key || null).doc('Temporal Cloud API key (turns TLS on); used by the API client and the worker'),
    },
    codecKeys: secret('TEMPORAL_CODEC_KEYS', 'dev:ZGV2LW9ubHktdGVtcG9yYWwtY29kZWMta2V5LTAxMjM=', { pattern: '^[A-Za-z0-9_-]+:[A-Za-z0-9+/]+={0,2}(,[A-Za-z0-9_-]+:[A-Za-z0-9+/]+={0,2})*$' })
      .shown('development key').check(codecKeysProblem).map(parseCodecKeys)
      .doc('AES-256 keys of the Temporal payload codec, `kid1:base64key,kid2:base64key` (32 bytes each); the first encrypts, all decrypt (required in production)'),
    uiPort: port('TEMPORAL_UI_PORT', 8233).doc('Web UI port of the dev server the run command starts'),
    uiUrl: baseUrl('TEMPORAL_UI_URL', 'http://127.0.0.1:8233')
      .doc('base of the agent console\'s links into the Temporal Web UI (the namespace is appended)'),
    uiOrigin: text('TEMPORAL_UI_ORIGIN', '').map((origin, context) => origin || `http://127.0.0.1:${context.text('TEMPORAL_UI_PORT')}`)
      .shown('`http://127.0.0.1:<TEMPORAL_UI_PORT>`').doc('the Web UI origin allowed (CORS) to call the codec endpoint'),
  }, (temporal, context) => ({ ...temporal, addressGiven: context.given('TEMPORAL_ADDRESS') })),
  auth: {
    jwtSecret: secret('JWT_SECRET', 'dev-only-jwt-secret-change-me-0123456789', { minLength: 32 })
      .doc('signs customer access tokens (≥ 32 chars; required in production)'),
    adminApiToken: secret('ADMIN_API_TOKEN', 'dev-admin-token', { minLength: 12 })
      .refuseInProduction((token) => (token.length < MIN_PRODUCTION_ADMIN_TOKEN_LENGTH
        ? `must be at least ${MIN_PRODUCTION_ADMIN_TOKEN_LENGTH} characters when NODE_ENV=production` : undefined))
      .doc('bearer token of the admin API (required in production)'),
    ...row('lifetime of customer access tokens and of refresh tokens (rotated on every use)', {
      accessTokenTtlMs: duration('ACCESS_TOKEN_TTL', '15m'),
      refreshTokenTtlMs: duration('REFRESH_TOKEN_TTL', '30d'),
    }),
    sessionMaxAgeMs: duration('REFRESH_SESSION_MAX_AGE', '90d')
      .doc('a login session ends this long after the login, however often its refresh token is rotated'),
    rateLimits: {
      login: row('failed logins (also failed change-password and verify-email) per client IP, and per account from one client IP, before back-off starts (1 s, doubling with each further failure, never longer than the window; forgotten after a window without failures)', {
        windowMs: duration('LOGIN_RATE_WINDOW', '15m'),
        perIp: integer('LOGIN_MAX_PER_IP', 30, { minimum: 1 }),
        perEmail: integer('LOGIN_MAX_PER_EMAIL', 10, { minimum: 1 }),
      }),
      authEmail: row('the same for requests that send email (forgot-password, resend-verification, register)', {
        windowMs: duration('AUTH_EMAIL_RATE_WINDOW', '1h'),
        perIp: integer('AUTH_EMAIL_MAX_PER_IP', 20, { minimum: 1 }),
        perEmail: integer('AUTH_EMAIL_MAX_PER_EMAIL', 5, { minimum: 1 }),
      }),
    },
  },
  operators: {
    email: email('OPERATOR_EMAIL', 'operators@webmagic.local').doc('where operator cases (needs attention) are emailed'),
    sessionTtlMs: duration('OPERATOR_SESSION_TTL', '12h').doc('how long an operator stays signed in to the agent console'),
  },
  pricing: row('prices of new preview sites (`USD` or `GTQ`)', {
    purchaseAmountCents: integer('PURCHASE_AMOUNT_CENTS', 49500, { minimum: 1 }),
    monthlyAmountCents: integer('MONTHLY_AMOUNT_CENTS', 9500, { minimum: 1 }),
    currency: oneOf('CURRENCY', ['USD', 'GTQ'], 'USD'),
  }),
  checkout: {
    expiryMs: duration('CHECKOUT_EXPIRY', '2h').doc('how long a checkout (purchase or subscription activation) stays open'),
    statusMaxPerMinute: integer('CLAIM_STATUS_MAX_PER_MINUTE', 120, { minimum: 1 })
      .doc('requests per minute per client address to the public claim status (`GET /claims/status`; the page a buyer returns to asks every 1.5 s)'),
    holds: row('open checkouts (sites held) allowed at once per claimant email and per client address (429 `too_many_open_purchases`)', {
      maxPerEmail: integer('PURCHASE_MAX_OPEN_PER_EMAIL', 3, { minimum: 1 }),
      maxPerIp: integer('PURCHASE_MAX_OPEN_PER_IP', 5, { minimum: 1 }),
    }),
    holdRetentionMs: duration('PURCHASE_HOLD_RETENTION', '7d')
      .doc('a purchase hold (claimant email, keyed digest of the client address) is deleted this long after its checkout ended, by the housekeeping schedule'),
  },
  subscription: {
    billingPeriodMs: duration('BILLING_PERIOD', '30d').doc('length of a subscription\'s billing period'),
    renewalSlackMs: duration('RENEWAL_SLACK', '2d')
      .doc('how long after a billing period ends its renewal payment may still arrive; past it the renewal counts as failed and the grace period starts'),
    gracePeriodMs: duration('GRACE_PERIOD', '7d').doc('how long a site stays live after a failed renewal before it is suspended'),
    ...row('how long after a purchase the owner has to activate the subscription before the site is suspended; when reminder emails go out', {
      activationDeadlineMs: duration('ACTIVATION_DEADLINE', '14d'),
      activationRemindersMs: list('ACTIVATION_REMINDERS', '7d,13d', DURATION_ITEM, { empty: true }).map((offsets) => offsets.map(parseDuration)),
    }),
  },
  transfers: {
    expiryMs: duration('SITE_TRANSFER_EXPIRY', '7d').doc('how long the recipient of a site transfer has to accept it from the emailed link'),
  },
  tickets: {
    slaMs: row('first-answer deadline of a ticket waiting on an agent, by priority; past it the ticket is escalated', {
      urgent: duration('TICKET_SLA_URGENT', '1h'),
      high: duration('TICKET_SLA_HIGH', '4h'),
      normal: duration('TICKET_SLA_NORMAL', '24h'),
      low: duration('TICKET_SLA_LOW', '72h'),
    }),
    autoCloseMs: duration('TICKET_AUTO_CLOSE', '7d').doc('a ticket waiting on the customer this long is closed'),
    // Chosen by 5-fold cross-validation on the train split: about 98 % of the answers then sent alone are right (`npm run eval:triage`).
    confidenceThreshold: decimal('AI_CONFIDENCE_THRESHOLD', 0.85, { minimum: 0, maximum: 1 })
      .doc('triage confidence above which the AI\'s answer goes to the customer without a person'),
    agentEmail: email('SUPPORT_AGENT_EMAIL', 'support@webmagic.local').doc('where SLA escalations are emailed'),
    creationLimit: row('tickets one customer may open per window', {
      windowMs: duration('TICKET_CREATE_RATE_WINDOW', '1h'),
      max: integer('TICKET_CREATE_MAX', 10, { minimum: 1 }),
    }),
  },
  workQueue: {
    slaMs: row('how long each kind of work may wait in the agents\' work queue before it shows as overdue (a ticket keeps its own first-answer deadline, `TICKET_SLA_*`)', {
      editNeedsAgent: duration('QUEUE_SLA_EDIT_NEEDS_AGENT', '24h'),
      editRejected: duration('QUEUE_SLA_EDIT_REJECTED', '24h'),
      operatorCase: duration('QUEUE_SLA_OPERATOR_CASE', '8h'),
      domainCheck: duration('QUEUE_SLA_DOMAIN_CHECK', '4h'),
    }),
  },
  assistant: {
    kind: oneOf('ASSISTANT', ['local', 'openai'], 'local')
      .doc('`local`: the embedded classifier + help-article retrieval; `openai`: an OpenAI-compatible chat API'),
    ...row('that API (structured JSON output); the key is required with `ASSISTANT=openai`', {
      baseUrl: baseUrl('OPENAI_BASE_URL', 'https://api.openai.com/v1').refuseInProduction(httpsOnly),
      apiKey: text('OPENAI_API_KEY', ''),
      model: text('OPENAI_MODEL', 'gpt-4o-mini', { minLength: 1 }),
      timeoutMs: duration('OPENAI_TIMEOUT', '20s'),
    }),
  },
  edits: {
    editor: oneOf('SITE_EDITOR', ['local', 'openai'], 'local')
      .doc('who drafts site edits: `local` (embedded rules) or `openai` (the `OPENAI_*` settings; needs `OPENAI_API_KEY`)'),
    ...row('when the owner is reminded of an unapproved preview, and when it is discarded', {
      reminderMs: duration('EDIT_REMINDER_AFTER', '3d'),
      expiryMs: duration('EDIT_EXPIRY', '14d'),
    }),
    ...row('edit requests allowed per window (each one drafts with the editor, possibly an LLM, and sends an email), per site and per customer (429 `rate_limited`)', {
      requestWindowMs: duration('EDIT_REQUEST_RATE_WINDOW', '1h'),
      maxRequestsPerSite: integer('EDIT_REQUEST_MAX_PER_SITE', 10, { minimum: 1 }),
      maxRequestsPerCustomer: integer('EDIT_REQUEST_MAX_PER_CUSTOMER', 20, { minimum: 1 }),
    }),
  },
  previewGenerator: {
    kind: oneOf('PREVIEW_GENERATOR', ['local', 'openai'], 'local')
      .doc('who writes preview sites from business listings: `local` (the embedded generator) or `openai` (the `OPENAI_*` settings; needs `OPENAI_API_KEY`); the quality gate checks both'),
  },
  people: {
    invitationExpiryMs: duration('COLLABORATOR_INVITATION_EXPIRY', '7d').doc('how long an invitation to collaborate on a site can be accepted'),
    erasureUndoWindowMs: duration('ERASURE_UNDO_WINDOW', '7d').doc('how long an owner can undo their account deletion before their data is erased'),
  },
  recurrente: combine({
    apiUrl: baseUrl('RECURRENTE_API_URL', 'http://127.0.0.1:3001/api')
      .refuseInProduction(remoteHttps)
      .doc('Recurrente API (https in production); a local URL makes the run command start the simulator'),
    ...row('Recurrente API keys', {
      publicKey: text('RECURRENTE_PUBLIC_KEY', 'pk_test_local').shown('test keys'),
      secretKey: text('RECURRENTE_SECRET_KEY', 'sk_test_local').shown('test keys'),
    }),
    webhookSecrets: secret('RECURRENTE_WEBHOOK_SECRET', 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==', { pattern: '^whsec_[^,\\s]+(,whsec_[^,\\s]+)*$' })
      .map((secrets) => secrets.split(','))
      .doc('Svix signing secret (`whsec_…`) of the webhook endpoint (required in production); during a rotation give both, comma-separated (`whsec_new,whsec_old`): either signature is accepted'),
    timeoutMs: duration('RECURRENTE_TIMEOUT', '10s').check(underAttemptLimit)
      .doc('how long one Recurrente API call may take; past it the call is retried (under 30s, the activity\'s own limit per attempt)'),
    fakeFaults: text('FAKE_RECURRENTE_FAULTS', '').check(faultSpecProblem).map(parseFaultSpec)
      .doc(`faults the simulator the run command starts injects into its API, e.g. \`${FAULT_SPEC_EXAMPLE}\` (switch at run time: \`PUT /__faults\`)`),
  }, (recurrente) => ({ ...recurrente, webhookSecret: recurrente.webhookSecrets[0] ?? '' })),
  postmark: {
    serverToken: text('POSTMARK_SERVER_TOKEN', 'POSTMARK_API_TEST').doc('Postmark server token'),
    ...row('where the Postmark client sends (HTTPS required in production); a local host makes the run command start the fake', {
      apiHost: text('POSTMARK_API_HOST', '127.0.0.1:3002').refuseInProduction((host) => notLocal(host, host)),
      useHttps: flag('POSTMARK_USE_HTTPS', false).refuseInProduction((https) => (https === 'true' ? undefined : 'must be true when NODE_ENV=production')),
    }),
    from: text('EMAIL_FROM', 'WebMagic <hello@webmagic.local>').doc('sender of transactional email'),
    timeoutSeconds: duration('POSTMARK_TIMEOUT', '20s').check(underAttemptLimit).map((ms) => ms / 1000)
      .doc('how long one Postmark call may take; past it the send is retried, after a search for the message (under 30s, the activity\'s own limit per attempt, so no attempt overlaps the next)'),
    webhookSecret: secret('POSTMARK_WEBHOOK_SECRET', 'dev-only-postmark-webhook-secret-01', { minLength: 24 })
      .doc('the password of Postmark\'s bounce, spam-complaint and subscription-change webhooks (HTTP Basic auth in the webhook URL: `https://postmark:<secret>@…/api/v1/webhooks/postmark`; ≥ 24 chars; required in production)'),
    fakeFaults: text('FAKE_POSTMARK_FAULTS', '').check(faultSpecProblem).map(parseFaultSpec)
      .doc(`faults the fake Postmark the run command starts injects into its API; \`late\` accepts the message but answers after the hold (switch at run time: \`PUT /__faults\`)`),
  },
  previews: {
    ...row('a generation batch: listings generated at once, listings started per second against the content generator, and listings per workflow run before it continues as new (bounding its history)', {
      concurrency: integer('PREVIEW_BATCH_CONCURRENCY', 8, { minimum: 1, maximum: 200 }),
      ratePerSecond: integer('PREVIEW_GENERATION_RATE', 20, { minimum: 1, maximum: 10_000 }),
      continueAsNewEvery: integer('PREVIEW_BATCH_CONTINUE_EVERY', 500, { minimum: 1, maximum: 2000 }),
    }),
    maxListings: integer('PREVIEW_BATCH_MAX_LISTINGS', 20_000, { minimum: 1, maximum: 100_000 }).doc('listings one import may carry'),
    lifetimeMs: duration('PREVIEW_LIFETIME', '60d').doc('how long a generated preview stays up; then it is retired unless it was claimed'),
  },
  outreach: {
    messageStream: text('OUTREACH_MESSAGE_STREAM', 'outreach', { pattern: '^[a-z0-9-]+$' })
      .check((stream) => (stream === 'outbound' ? 'must be a broadcast stream, never the transactional `outbound`' : undefined))
      .doc('Postmark broadcast message stream of outreach email (never the transactional `outbound`)'),
    from: text('OUTREACH_FROM', 'WebMagic <hello@webmagic.local>').doc('sender of outreach email'),
    postalAddress: text('OUTREACH_POSTAL_ADDRESS', 'WebMagic, 1 Avenida Reforma, Guatemala City, Guatemala', { minLength: 10 })
      .refuseInProduction((_, given) => (given ? undefined : 'must be set explicitly when NODE_ENV=production'))
      .doc('the sender\'s postal address, printed in every outreach message (required in production)'),
    unsubscribeMailto: email('OUTREACH_UNSUBSCRIBE_EMAIL', 'unsubscribe@webmagic.local').doc('the `mailto:` of outreach\'s `List-Unsubscribe` header'),
    unsubscribeSecret: secret('OUTREACH_UNSUBSCRIBE_SECRET', 'dev-only-outreach-unsubscribe-secret-0123', { minLength: 32 })
      .doc('signs the unsubscribe links of outreach email (≥ 32 chars; required in production)'),
    dailyCap: integer('OUTREACH_DAILY_CAP', 200, { minimum: 0 }).doc('outreach messages sent per UTC day at most; the rest wait for the next day'),
    followUpAfterMs: duration('OUTREACH_FOLLOW_UP_AFTER', '14d')
      .doc('when the follow-up (the leads and visits an unclaimed preview got) goes out after the first message; none when there is nothing to report'),
  },
  webhookRelay: {
    pollMs: duration('WEBHOOK_RELAY_POLL', '5s').doc('how often the webhook relay scans the inbox when no `NOTIFY` woke it'),
    ...row('back-off of an event that could not be delivered (doubling from the first to the second)', {
      retryMinMs: duration('WEBHOOK_RELAY_RETRY_MIN', '1s'),
      retryMaxMs: duration('WEBHOOK_RELAY_RETRY_MAX', '5m'),
    }),
    maxAttempts: integer('WEBHOOK_RELAY_MAX_ATTEMPTS', 20, { minimum: 1 })
      .doc('failures other than Temporal being unavailable after which an event is parked (Temporal outages are retried for as long as they last)'),
    batchSize: integer('WEBHOOK_RELAY_BATCH', 50, { minimum: 1, maximum: 1000 }).doc('inbox rows one relay claims per transaction'),
    inboxRetentionMs: duration('WEBHOOK_INBOX_RETENTION', '30d')
      .doc('a webhook delivery is deleted from the inbox this long after it reached its workflow, by the housekeeping schedule (pending and parked ones stay); keep it past the provider\'s redeliveries (about 28 hours)'),
  },
  hosting: {
    sitesBaseUrl: optionalBaseUrl('SITES_BASE_URL').doc('the sites host: sites at `<SITES_BASE_URL>/<slug>` (e.g. `https://sites.example.com`)'),
    sitesDomain: text('SITES_DOMAIN', '', { pattern: `${HOST_NAME}|^$` }).map((domain) => domain || null)
      .doc('a subdomain per site: `<slug>.<SITES_DOMAIN>`'),
    apiHosts: text('API_HOSTS', '').map((hosts, context) => apiHosts(hosts, context.text('PUBLIC_BASE_URL'), context.production))
      .doc('more host names (comma-separated) that keep `/sites/:slug`, besides `PUBLIC_BASE_URL`\'s (and `localhost`/`127.0.0.1` outside production)'),
    homeDemoSites: list('HOME_DEMO_SITES', 'la-plumbing-pros,plumber-joe,roofer-bob', '[a-z0-9]+(-[a-z0-9]+)*', { empty: true })
      .doc('slugs of the sites the platform\'s home page shows as examples, comma-separated (those suspended, cancelled or missing are left out)'),
    pageCacheMaxEntries: integer('PAGE_CACHE_MAX_ENTRIES', 10_000, { minimum: 0 })
      .doc('rendered public pages kept in memory per API process (`0`: no cache)'),
    pageCacheMaxAgeMs: duration('PAGE_CACHE_MAX_AGE', '60s')
      .doc('a cached page is rendered again after this long even when no change notification dropped it: the bound on how stale a page can be after a notification was lost'),
    edgeAddresses: list('EDGE_ADDRESSES', '', '[0-9a-fA-F.:]+', { empty: true })
      .doc('client addresses of the edge (Caddy), comma-separated: trusted for the TLS ask and exempt from per-client limits'),
    tlsAskMaxPerMinute: integer('TLS_ASK_MAX_PER_MINUTE', 10, { minimum: 1 })
      .doc('TLS asks per minute for one asked name (the edge asks once per name; random names each use up only their own count)'),
    ...row('TLS ask decisions kept in memory per API process: how long, and how many refusals at most (kept apart from the page cache, oldest dropped first)', {
      tlsAskCacheMs: duration('TLS_ASK_CACHE', '1m'),
      tlsAskMaxRefusals: integer('TLS_ASK_MAX_CACHED_REFUSALS', 10_000, { minimum: 0 }),
    }),
  },
  domains: {
    ...row('where custom domains must point: a CNAME to the target, or (apex) A/AAAA records with only these addresses', {
      cnameTarget: text('DOMAIN_CNAME_TARGET', 'edge.webmagic.test', { pattern: HOST_NAME }),
      aRecords: list('DOMAIN_A_RECORDS', '127.0.0.1', '[0-9.]+', { empty: false }),
      aaaaRecords: list('DOMAIN_AAAA_RECORDS', '', '[0-9a-fA-F:]+', { empty: true }),
    }),
    ...row('how long a new domain is checked for, with back-off doubling from the minimum to the maximum interval', {
      verifyTimeoutMs: duration('DOMAIN_VERIFY_TIMEOUT', '72h'),
      checkMinMs: duration('DOMAIN_CHECK_MIN_INTERVAL', '1m'),
      checkMaxMs: duration('DOMAIN_CHECK_MAX_INTERVAL', '1h'),
    }),
    ...row('re-checks of a served domain; records missing this long → it is no longer served', {
      recheckIntervalMs: duration('DOMAIN_RECHECK_INTERVAL', '24h'),
      lapseAfterMs: duration('DOMAIN_LAPSE_AFTER', '3d'),
    }),
    ...row('domain connects and "check now" requests allowed per window (each asks DNS and may send an email), per site and per customer (429 `rate_limited`)', {
      checkWindowMs: duration('DOMAIN_CHECK_RATE_WINDOW', '1h'),
      maxChecksPerSite: integer('DOMAIN_CHECK_MAX_PER_SITE', 20, { minimum: 1 }),
      maxChecksPerCustomer: integer('DOMAIN_CHECK_MAX_PER_CUSTOMER', 40, { minimum: 1 }),
    }),
  },
  dns: {
    ...row('resolvers the domain checks ask (`host` or `host:port`, comma-separated)', {
      servers: list('DNS_SERVERS', '', '[0-9a-fA-F.:\\[\\]]+', { empty: true })
        .map((servers, context) => (servers.length > 0 || context.production ? servers : [LOCAL_DNS_SERVER]))
        .shown(`\`${LOCAL_DNS_SERVER}\` (production: the system's)`),
      timeoutMs: duration('DNS_TIMEOUT', '3s'),
    }),
    adminPort: port('DNS_ADMIN_PORT', 5355).doc('HTTP port of the local DNS server\'s record endpoint (run command only)'),
  },
  analytics: {
    salt: secret('ANALYTICS_SALT', 'dev-only-analytics-salt-change-me-0123', { minLength: 16 })
      .doc('secret in the daily visitor hash and the keys of rate-limit counters (≥ 16 chars; required in production)'),
    sessionTimeoutMs: duration('ANALYTICS_SESSION_TIMEOUT', '30m').doc('inactivity after which a visitor\'s next view starts a new session'),
    retentionMs: duration('ANALYTICS_RETENTION', '395d').shown('`395d` (13 months)')
      .doc('raw sessions and events older than this are deleted by the housekeeping schedule; hourly and daily roll-ups stay'),
    housekeepingIntervalMs: duration('ANALYTICS_HOUSEKEEPING_INTERVAL', '1h').doc('how often the `analytics-housekeeping` schedule runs'),
    ...row('collected hits wait in the API\'s memory at most this long / this many before one batched write', {
      flushIntervalMs: duration('ANALYTICS_FLUSH_INTERVAL', '1s'),
      flushBatch: integer('ANALYTICS_FLUSH_BATCH', 1000, { minimum: 1, maximum: 10_000 }),
    }),
    maxQueued: integer('ANALYTICS_MAX_QUEUED', 50_000, { minimum: 1 })
      .doc('hits waiting in one API process\'s memory at most; more are dropped (and counted) until a write catches up'),
    ...row('beacons accepted per minute (`POST /collect`, 429 past it), per client address and per site', {
      collectPerClientPerMinute: integer('COLLECT_MAX_PER_CLIENT', 120, { minimum: 1 }),
      collectPerSitePerMinute: integer('COLLECT_MAX_PER_SITE', 6000, { minimum: 1 }),
    }),
    ...row('experiment exposures one client address may start per window; past it the address is served control and nothing is recorded', {
      exposureWindowMs: duration('EXPERIMENT_EXPOSURE_WINDOW', '1h'),
      maxExposuresPerClient: integer('EXPERIMENT_MAX_EXPOSURES_PER_CLIENT', 10, { minimum: 1 }),
    }),
    maxDimensionValues: integer('ANALYTICS_MAX_DIMENSION_VALUES', 500, { minimum: 1 })
      .doc('distinct values a site may have per dimension (path, referrer, UTM field) per day; further ones count under `(other)`'),
    dimensionRetentionMs: duration('ANALYTICS_DIMENSION_RETENTION', '800d').shown('`800d` (about 26 months)')
      .doc('hourly and daily dimension rows (paths, referrers, UTM values) older than this are deleted by the housekeeping schedule; the hourly totals stay'),
  },
  photos: {
    storage: oneOf('STORAGE', ['local', 's3'], 'local')
      .doc('where uploaded photos are kept: `local` (files under `<DATA_DIR>/photos`) or `s3` (S3-compatible object storage: AWS S3, DigitalOcean Spaces, Cloudflare R2, the `S3_*` settings)'),
    s3: {
      ...row('the object storage with `STORAGE=s3`: endpoint (empty: AWS S3 of the region), region, bucket (required), path-style addressing (`true` for most non-AWS servers)', {
        endpoint: text('S3_ENDPOINT', '', { pattern: '^(https?://[^\\s]+)?$' }).map((endpoint) => endpoint || null),
        region: text('S3_REGION', 'us-east-1', { minLength: 1 }),
        bucket: text('S3_BUCKET', ''),
        forcePathStyle: flag('S3_FORCE_PATH_STYLE', false),
      }),
      ...row('its access key; both empty: the AWS SDK\'s own credential chain (`AWS_*` variables, an instance or task role); in production set both or neither', {
        accessKeyId: text('S3_ACCESS_KEY_ID', ''),
        secretAccessKey: text('S3_SECRET_ACCESS_KEY', '').shown('(none)'),
      }),
    },
    ...row('an upload is refused (413) past this many bytes, or past this many pixels (width × height)', {
      maxBytes: integer('PHOTO_MAX_BYTES', 10 * 1024 * 1024, { minimum: 1024 }),
      maxPixels: integer('PHOTO_MAX_PIXELS', 40_000_000, { minimum: 10_000 }),
    }),
    ...row('photo uploads one customer may make per window (each is resized and encoded a dozen times; 429 `rate_limited`)', {
      uploadWindowMs: duration('PHOTO_UPLOAD_RATE_WINDOW', '1h'),
      maxUploadsPerCustomer: integer('PHOTO_UPLOAD_MAX_PER_CUSTOMER', 60, { minimum: 1 }),
    }),
    retentionMs: duration('PHOTO_RETENTION', '30d')
      .doc('a photo no site version uses is deleted (rows and stored files) this long after its upload, by the housekeeping schedule'),
  },
  bookings: {
    minFillTimeMs: duration('BOOKING_MIN_FILL_TIME', '3s').doc('a contact form sent sooner after the page loaded is refused as a bot'),
    ...row('contact-form submissions allowed per window, per client address and site, and per site', {
      rateWindowMs: duration('BOOKING_RATE_WINDOW', '1h'),
      maxPerIp: integer('BOOKING_MAX_PER_IP', 5, { minimum: 1 }),
      maxPerSite: integer('BOOKING_MAX_PER_SITE', 100, { minimum: 1 }),
    }),
    platformLeadsEmail: email('PLATFORM_LEADS_EMAIL', 'leads@webmagic.local').doc('receives the leads of preview sites nobody has claimed yet'),
    ...row('confirmation emails one visitor address may receive per window, across all sites (more leads are still stored and sent to the owner, unconfirmed)', {
      confirmationWindowMs: duration('BOOKING_CONFIRMATION_WINDOW', '1h'),
      maxConfirmationsPerRecipient: integer('BOOKING_MAX_CONFIRMATIONS_PER_RECIPIENT', 3, { minimum: 0 }),
    }),
  },
};

/** The validated configuration shared by the API, the worker and the tools, typed from SETTINGS. */
export type AppConfig = ConfigOf<typeof SETTINGS>;

/** At most `perIp` requests from one client address and `perEmail` for one email address per window. */
export type RateLimit = AppConfig['auth']['rateLimits']['login'];

/** Rules that span several settings. */
const RULES: Rule<AppConfig>[] = [
  (c) => (c.assistant.kind === 'openai' && c.assistant.apiKey === '' ? 'OPENAI_API_KEY: must be set when ASSISTANT=openai' : undefined),
  (c) => (c.edits.editor === 'openai' && c.assistant.apiKey === '' ? 'OPENAI_API_KEY: must be set when SITE_EDITOR=openai' : undefined),
  (c) => (c.previewGenerator.kind === 'openai' && c.assistant.apiKey === '' ? 'OPENAI_API_KEY: must be set when PREVIEW_GENERATOR=openai' : undefined),
  (c) => (c.edits.reminderMs >= c.edits.expiryMs ? 'EDIT_REMINDER_AFTER: must be shorter than EDIT_EXPIRY' : undefined),
  (c) => (c.photos.storage === 's3' && c.photos.s3.bucket === '' ? 'S3_BUCKET: must be set when STORAGE=s3' : undefined),
  (_, context) => (context.given('S3_ACCESS_KEY_ID') !== context.given('S3_SECRET_ACCESS_KEY') ? 'S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither' : undefined),
  (_, context) => (context.given('TEMPORAL_TLS_CERT') !== context.given('TEMPORAL_TLS_KEY') ? 'TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both or neither' : undefined),
];

/** Reads, converts and validates the environment once; throws a ConfigError naming each bad setting. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  return loadSettings(SETTINGS, RULES, source);
}
