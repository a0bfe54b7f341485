import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Duration = Type.String({ pattern: '^[0-9]+(ms|s|m|h|d)$' });
const Url = Type.String({ pattern: '^[a-z][a-z0-9+.-]*://' });

/** Development-only fallbacks; production refuses to start without real values. */
const DEV_SECRETS = {
  JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789',
  ADMIN_API_TOKEN: 'dev-admin-token',
  RECURRENTE_WEBHOOK_SECRET: 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==',
  ANALYTICS_SALT: 'dev-only-analytics-salt-change-me-0123',
  TEMPORAL_CODEC_KEYS: 'dev:ZGV2LW9ubHktdGVtcG9yYWwtY29kZWMta2V5LTAxMjM=',
} as const;

/** Hosts that only make sense on a developer's machine; production refuses provider URLs pointing at them. */
const LOCAL_HOST = /^(localhost|127\.[0-9.]+|\[?::1\]?|0\.0\.0\.0)(:[0-9]+)?$/i;

/** Production admin tokens must be at least this long. */
const MIN_PRODUCTION_ADMIN_TOKEN_LENGTH = 32;

/** The embedded PostgreSQL the run command starts when DATABASE_URL is not set (on DB_EMBEDDED_PORT). */
export const EMBEDDED_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5433/webmagic';

function embeddedDatabaseUrl(port: number): string {
  return Object.assign(new URL(EMBEDDED_DATABASE_URL), { port: String(port) }).toString();
}

/** Every setting the API and the worker read, with its default. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Intersect([Port], { default: 3000 }),
  PUBLIC_BASE_URL: Type.Intersect([Url], { default: 'http://localhost:3000' }),
  TRUST_PROXY: Type.String({ pattern: '^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$', default: 'false' }),
  DATABASE_URL: Type.Intersect([Url], { default: EMBEDDED_DATABASE_URL }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  DB_EMBEDDED_PORT: Type.Intersect([Port], { default: 5433 }),
  TEMPORAL_ADDRESS: Type.String({ default: '127.0.0.1:7233' }),
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1, default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ minLength: 1, default: 'webmagic' }),
  TEMPORAL_UI_PORT: Type.Intersect([Port], { default: 8233 }),
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  JWT_SECRET: Type.String({ minLength: 32, default: DEV_SECRETS.JWT_SECRET }),
  ADMIN_API_TOKEN: Type.String({ minLength: 12, default: DEV_SECRETS.ADMIN_API_TOKEN }),
  ACCESS_TOKEN_TTL: Type.Intersect([Duration], { default: '15m' }),
  REFRESH_TOKEN_TTL: Type.Intersect([Duration], { default: '30d' }),
  LOGIN_RATE_WINDOW: Type.Intersect([Duration], { default: '15m' }),
  LOGIN_MAX_PER_IP: Type.Integer({ minimum: 1, default: 30 }),
  LOGIN_MAX_PER_EMAIL: Type.Integer({ minimum: 1, default: 10 }),
  AUTH_EMAIL_RATE_WINDOW: Type.Intersect([Duration], { default: '1h' }),
  AUTH_EMAIL_MAX_PER_IP: Type.Integer({ minimum: 1, default: 20 }),
  AUTH_EMAIL_MAX_PER_EMAIL: Type.Integer({ minimum: 1, default: 5 }),
  PURCHASE_AMOUNT_CENTS: Type.Integer({ minimum: 1, default: 49500 }),
  MONTHLY_AMOUNT_CENTS: Type.Integer({ minimum: 1, default: 9500 }),
  CURRENCY: Type.Union([Type.Literal('USD'), Type.Literal('GTQ')], { default: 'USD' }),
  CHECKOUT_EXPIRY: Type.Intersect([Duration], { default: '2h' }),
  GRACE_PERIOD: Type.Intersect([Duration], { default: '7d' }),
  BILLING_PERIOD: Type.Intersect([Duration], { default: '30d' }),
  RENEWAL_SLACK: Type.Intersect([Duration], { default: '2d' }),
  TICKET_SLA_URGENT: Type.Intersect([Duration], { default: '1h' }),
  TICKET_SLA_HIGH: Type.Intersect([Duration], { default: '4h' }),
  TICKET_SLA_NORMAL: Type.Intersect([Duration], { default: '24h' }),
  TICKET_SLA_LOW: Type.Intersect([Duration], { default: '72h' }),
  TICKET_AUTO_CLOSE: Type.Intersect([Duration], { default: '7d' }),
  AI_CONFIDENCE_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.75 }),
  SUPPORT_AGENT_EMAIL: Type.String({ format: 'email', default: 'support@webmagic.local' }),
  ASSISTANT: Type.Union([Type.Literal('local'), Type.Literal('openai')], { default: 'local' }),
  OPENAI_BASE_URL: Type.Intersect([Url], { default: 'https://api.openai.com/v1' }),
  OPENAI_API_KEY: Type.String({ default: '' }),
  OPENAI_MODEL: Type.String({ minLength: 1, default: 'gpt-4o-mini' }),
  OPENAI_TIMEOUT: Type.Intersect([Duration], { default: '20s' }),
  RECURRENTE_API_URL: Type.Intersect([Url], { default: 'http://127.0.0.1:3001/api' }),
  RECURRENTE_PUBLIC_KEY: Type.String({ default: 'pk_test_local' }),
  RECURRENTE_SECRET_KEY: Type.String({ default: 'sk_test_local' }),
  RECURRENTE_WEBHOOK_SECRET: Type.String({ pattern: '^whsec_[^,\\s]+(,whsec_[^,\\s]+)*$', default: DEV_SECRETS.RECURRENTE_WEBHOOK_SECRET }),
  POSTMARK_SERVER_TOKEN: Type.String({ default: 'POSTMARK_API_TEST' }),
  POSTMARK_API_HOST: Type.String({ default: '127.0.0.1:3002' }),
  POSTMARK_USE_HTTPS: Type.Boolean({ default: false }),
  EMAIL_FROM: Type.String({ default: 'WebMagic <hello@webmagic.local>' }),
  WEBHOOK_RELAY_POLL: Type.Intersect([Duration], { default: '5s' }),
  WEBHOOK_RELAY_RETRY_MIN: Type.Intersect([Duration], { default: '1s' }),
  WEBHOOK_RELAY_RETRY_MAX: Type.Intersect([Duration], { default: '5m' }),
  WEBHOOK_RELAY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, default: 20 }),
  WEBHOOK_RELAY_BATCH: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  SITES_BASE_URL: Type.Union([Url, Type.Literal('')], { default: '' }),
  SITES_DOMAIN: Type.String({ pattern: '^([a-z0-9-]+\\.)+[a-z0-9-]+$|^$', default: '' }),
  API_HOSTS: Type.String({ default: '' }),
  DOMAIN_CNAME_TARGET: Type.String({ pattern: '^([a-z0-9-]+\\.)+[a-z0-9-]+$', default: 'edge.webmagic.test' }),
  DOMAIN_A_RECORDS: Type.String({ pattern: '^[0-9.]+(,[0-9.]+)*$', default: '127.0.0.1' }),
  DOMAIN_AAAA_RECORDS: Type.String({ pattern: '^([0-9a-fA-F:]+(,[0-9a-fA-F:]+)*)?$', default: '' }),
  DOMAIN_VERIFY_TIMEOUT: Type.Intersect([Duration], { default: '72h' }),
  DOMAIN_CHECK_MIN_INTERVAL: Type.Intersect([Duration], { default: '1m' }),
  DOMAIN_CHECK_MAX_INTERVAL: Type.Intersect([Duration], { default: '1h' }),
  DOMAIN_RECHECK_INTERVAL: Type.Intersect([Duration], { default: '24h' }),
  DOMAIN_LAPSE_AFTER: Type.Intersect([Duration], { default: '3d' }),
  DNS_SERVERS: Type.String({ pattern: '^([0-9a-fA-F.:\\[\\]]+(,[0-9a-fA-F.:\\[\\]]+)*)?$', default: '' }),
  DNS_TIMEOUT: Type.Intersect([Duration], { default: '3s' }),
  DNS_ADMIN_PORT: Type.Intersect([Port], { default: 5355 }),
  PAGE_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, default: 10_000 }),
  TLS_ASK_MAX_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  ANALYTICS_SALT: Type.String({ minLength: 16, default: DEV_SECRETS.ANALYTICS_SALT }),
  ANALYTICS_SESSION_TIMEOUT: Type.Intersect([Duration], { default: '30m' }),
  ANALYTICS_RETENTION: Type.Intersect([Duration], { default: '395d' }),
  ANALYTICS_HOUSEKEEPING_INTERVAL: Type.Intersect([Duration], { default: '1h' }),
  ANALYTICS_FLUSH_INTERVAL: Type.Intersect([Duration], { default: '1s' }),
  ANALYTICS_FLUSH_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
  BOOKING_MIN_FILL_TIME: Type.Intersect([Duration], { default: '3s' }),
  BOOKING_RATE_WINDOW: Type.Intersect([Duration], { default: '1h' }),
  BOOKING_MAX_PER_IP: Type.Integer({ minimum: 1, default: 5 }),
  BOOKING_MAX_PER_SITE: Type.Integer({ minimum: 1, default: 100 }),
  PLATFORM_LEADS_EMAIL: Type.String({ format: 'email', default: 'leads@webmagic.local' }),
  SITE_EDITOR: Type.Union([Type.Literal('local'), Type.Literal('openai')], { default: 'local' }),
  EDIT_REMINDER_AFTER: Type.Intersect([Duration], { default: '3d' }),
  EDIT_EXPIRY: Type.Intersect([Duration], { default: '14d' }),
  TEMPORAL_UI_URL: Type.Intersect([Url], { default: 'http://127.0.0.1:8233' }),
  OPERATOR_SESSION_TTL: Type.Intersect([Duration], { default: '12h' }),
  TEMPORAL_CODEC_KEYS: Type.String({ pattern: '^[A-Za-z0-9_-]+:[A-Za-z0-9+/]+={0,2}(,[A-Za-z0-9_-]+:[A-Za-z0-9+/]+={0,2})*$', default: DEV_SECRETS.TEMPORAL_CODEC_KEYS }),
  TEMPORAL_UI_ORIGIN: Type.String({ default: '' }),
  HTTP_REQUEST_TIMEOUT: Type.Intersect([Duration], { default: '30s' }),
  HTTP_CONNECTION_TIMEOUT: Type.Intersect([Duration], { default: '60s' }),
  REFRESH_SESSION_MAX_AGE: Type.Intersect([Duration], { default: '90d' }),
  PURCHASE_MAX_OPEN_PER_EMAIL: Type.Integer({ minimum: 1, default: 3 }),
  PURCHASE_MAX_OPEN_PER_IP: Type.Integer({ minimum: 1, default: 5 }),
  TICKET_CREATE_RATE_WINDOW: Type.Intersect([Duration], { default: '1h' }),
  TICKET_CREATE_MAX: Type.Integer({ minimum: 1, default: 10 }),
  TEMPORAL_TLS_CERT: Type.String({ default: '' }),
  TEMPORAL_TLS_KEY: Type.String({ default: '' }),
  TEMPORAL_TLS_CA: Type.String({ default: '' }),
  TEMPORAL_TLS_SERVER_NAME: Type.String({ default: '' }),
  TEMPORAL_API_KEY: Type.String({ default: '' }),
  TEMPORAL_RPC_TIMEOUT: Type.Intersect([Duration], { default: '10s' }),
  ACTIVATION_DEADLINE: Type.Intersect([Duration], { default: '14d' }),
  ACTIVATION_REMINDERS: Type.String({ pattern: '^([0-9]+(ms|s|m|h|d)(,[0-9]+(ms|s|m|h|d))*)?$', default: '7d,13d' }),
  OPERATOR_EMAIL: Type.String({ format: 'email', default: 'operators@webmagic.local' }),
});

type Env = Static<typeof EnvSchema>;

/** The validated configuration shared by the API, the worker and the tools. */
export interface AppConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  host: string;
  port: number;
  /** Which proxies' X-Forwarded-For to believe (client IPs drive rate limits): none, any, or these addresses/CIDRs. */
  trustProxy: boolean | string[];
  publicBaseUrl: string;
  /** `embedded`: DATABASE_URL was not given, so the run command starts embedded PostgreSQL. */
  database: { url: string; poolMax: number; connectTimeoutMs: number; embedded: boolean };
  /**
   * `codecKeys`: AES-256 keys of the payload codec, the first encrypts; `uiOrigin`: the Web UI allowed to call the codec endpoint;
   * `addressGiven`: TEMPORAL_ADDRESS was set, so the run command uses a server already answering there instead of refusing its port.
   */
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number; codecKeys: CodecKey[]; uiOrigin: string; addressGiven: boolean };
  /** `requestTimeoutMs`: the whole request (headers and body) must arrive within it; `connectionTimeoutMs`: an idle socket is closed. */
  http: { requestTimeoutMs: number; connectionTimeoutMs: number };
  /** Open purchase holds (checkouts not yet expired) allowed per claimant email and per client address. */
  purchaseHolds: { maxPerEmail: number; maxPerIp: number };
  /** Where the run command keeps embedded PostgreSQL and the Temporal dev server's SQLite file. */
  dataDir: string;
  auth: {
    jwtSecret: string;
    adminApiToken: string;
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    /** A login session ends this long after it started, however often its refresh token is rotated. */
    sessionMaxAgeMs: number;
    /** Attempts per window on login, and on the endpoints that email a link (register, resend-verification, forgot-password). */
    rateLimits: { login: RateLimit; authEmail: RateLimit };
  };
  /** Tickets one customer may open per window. */
  ticketCreation: { windowMs: number; max: number };
  pricing: { purchaseAmountCents: number; monthlyAmountCents: number; currency: 'USD' | 'GTQ' };
  /** `renewalSlackMs`: how long after a period ends a renewal payment may still arrive before it counts as failed. */
  durations: { checkoutExpiryMs: number; gracePeriodMs: number; billingPeriodMs: number; renewalSlackMs: number };
  support: {
    slaMs: Record<'low' | 'normal' | 'high' | 'urgent', number>;
    autoCloseMs: number;
    confidenceThreshold: number;
    agentEmail: string;
  };
  /** `local`: the embedded classifier + knowledge base; `openai`: an OpenAI-compatible chat API. */
  assistant: { kind: 'local' | 'openai'; baseUrl: string; apiKey: string; model: string; timeoutMs: number };
  /** `webhookSecret` signs (the first configured); `webhookSecrets` are all accepted, so the secret can be rotated. */
  recurrente: { apiUrl: string; publicKey: string; secretKey: string; webhookSecret: string; webhookSecrets: string[] };
  postmark: { serverToken: string; apiHost: string; useHttps: boolean; from: string };
  /**
   * The webhook inbox relay: `pollMs` between scans when no notification arrives; retry back-off from `retryMinMs`
   * doubling to `retryMaxMs`; `maxAttempts` failures other than Temporal being unavailable park an event.
   */
  webhookRelay: { pollMs: number; retryMinMs: number; retryMaxMs: number; maxAttempts: number; batchSize: number };
  /**
   * Where sites are served: `sitesBaseUrl` (`https://sites.example.com/<slug>`), `sitesDomain` (`<slug>.<sitesDomain>`),
   * the API hosts that keep `/sites/:slug`, and the edge that custom domains must point at.
   */
  hosting: {
    sitesBaseUrl: string | null;
    sitesDomain: string | null;
    apiHosts: string[];
    cnameTarget: string;
    aRecords: string[];
    aaaaRecords: string[];
    pageCacheMaxEntries: number;
    tlsAskMaxPerMinute: number;
  };
  /** Custom-domain verification: back-off between `checkMinMs` and `checkMaxMs` for `verifyTimeoutMs`, then re-checks. */
  domains: { verifyTimeoutMs: number; checkMinMs: number; checkMaxMs: number; recheckIntervalMs: number; lapseAfterMs: number };
  /** DNS servers (`host` or `host:port`) the domain checks ask; empty: the system's; `adminPort`: the local DNS server's HTTP endpoint. */
  dns: { servers: string[]; timeoutMs: number; adminPort: number };
  /**
   * `salt` keys the daily visitor hash; `flushIntervalMs`/`flushBatch` bound how long and how many collected hits
   * wait in memory before one batched write; raw events older than `retentionMs` are deleted (roll-ups stay).
   */
  analytics: { salt: string; sessionTimeoutMs: number; retentionMs: number; housekeepingIntervalMs: number; flushIntervalMs: number; flushBatch: number };
  /** Spam rules of the contact form; `platformLeadsEmail` receives the leads of sites nobody owns yet. */
  bookings: { minFillTimeMs: number; rateWindowMs: number; maxPerIp: number; maxPerSite: number; platformLeadsEmail: string };
  /** Site edits: which editor drafts them (`openai` uses the OPENAI_* settings), when the owner is reminded, when a draft expires. */
  edits: { editor: 'local' | 'openai'; reminderMs: number; expiryMs: number };
  /** The agent console: where it links into the Temporal Web UI, and how long an operator stays signed in. */
  console: { temporalUiUrl: string; operatorSessionTtlMs: number };
  /** How the API and the worker reach a secured Temporal (mTLS files, or a Temporal Cloud API key) and how long an API call into it may take. */
  temporalSecurity: { tls: TemporalTls | null; apiKey: string | null; rpcTimeoutMs: number };
  /** Owners who never activate: deadline after the purchase, reminder offsets; and where operator cases are emailed. */
  money: { activationDeadlineMs: number; activationRemindersMs: number[]; operatorEmail: string };
}

/** mTLS to a Temporal cluster: paths of the client certificate, its key, the CA, and the server name to verify. */
export interface TemporalTls {
  certPath: string;
  keyPath: string;
  caPath: string | null;
  serverName: string | null;
}

/** At most `perIp` requests from one client address and `perEmail` for one email address per window. */
export interface RateLimit {
  windowMs: number;
  perIp: number;
  perEmail: number;
}

/** One AES-256 key of the Temporal payload codec, named by the id stored in each payload it encrypts. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Thrown at start-up when a setting is missing or invalid; its message names every bad setting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses durations such as `90s`, `24h` or `7d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new ConfigError(`invalid duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

function parseCodecKeys(text: string): CodecKey[] {
  const keys = text.split(',').map((entry) => {
    const [id = '', encoded = ''] = entry.split(':');
    return { id, key: Buffer.from(encoded, 'base64') };
  });
  const bad = keys.filter((k) => k.key.length !== 32).map((k) => k.id);
  if (bad.length > 0) throw new ConfigError(`Invalid configuration:\n  TEMPORAL_CODEC_KEYS: keys ${bad.join(', ')} must be 32 bytes, base64-encoded`);
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new ConfigError('Invalid configuration:\n  TEMPORAL_CODEC_KEYS: key ids must be unique');
  return keys;
}

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const recurrenteHost = /^[a-z][a-z0-9+.-]*:\/\/([^/]+)/i.exec(env.RECURRENTE_API_URL)?.[1] ?? '';
  if (LOCAL_HOST.test(recurrenteHost)) problems.push(`  RECURRENTE_API_URL: must not point at a local host when NODE_ENV=production (got ${env.RECURRENTE_API_URL})`);
  if (LOCAL_HOST.test(env.POSTMARK_API_HOST)) problems.push(`  POSTMARK_API_HOST: must not point at a local host when NODE_ENV=production (got ${env.POSTMARK_API_HOST})`);
  if (env.ADMIN_API_TOKEN.length < MIN_PRODUCTION_ADMIN_TOKEN_LENGTH) {
    problems.push(`  ADMIN_API_TOKEN: must be at least ${MIN_PRODUCTION_ADMIN_TOKEN_LENGTH} characters when NODE_ENV=production`);
  }
  return problems;
}

function parseTrustProxy(text: string): boolean | string[] {
  if (text === 'true' || text === 'false') return text === 'true';
  return text.split(',');
}

/** Hosts that serve `/sites/:slug`: PUBLIC_BASE_URL's, API_HOSTS, and the loopback names outside production. */
function apiHosts(env: Env): string[] {
  const hosts = [new URL(env.PUBLIC_BASE_URL).hostname, ...env.API_HOSTS.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)];
  if (env.NODE_ENV !== 'production') hosts.push('localhost', '127.0.0.1', '[::1]');
  return [...new Set(hosts)];
}

/** Outside production an unset DNS_SERVERS means the local DNS server the run command starts; in production, the system's. */
function dnsServers(env: Env, given: string | undefined): string[] {
  const text = given ?? (env.NODE_ENV === 'production' ? '' : LOCAL_DNS_SERVER);
  return text === '' ? [] : text.split(',');
}

/** Where the run command's local authoritative DNS server listens (UDP and TCP). */
export const LOCAL_DNS_SERVER = '127.0.0.1:5354';

/** Reads, converts and validates the environment once; throws a ConfigError naming each bad setting. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(EnvSchema.properties);
  const raw: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, { ...raw }));
  const errors = Value.Errors(EnvSchema, converted);
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const key = e.instancePath.replace(/^\//, '') || String((e.params as { requiredProperties?: string[] }).requiredProperties ?? '');
      return `  ${key}: ${e.message} (got ${JSON.stringify(raw[key] ?? null)})`;
    });
    throw new ConfigError(`Invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const env = converted as Env;
  if (env.ASSISTANT === 'openai' && env.OPENAI_API_KEY === '') {
    throw new ConfigError('Invalid configuration:\n  OPENAI_API_KEY: must be set when ASSISTANT=openai');
  }
  if (env.SITE_EDITOR === 'openai' && env.OPENAI_API_KEY === '') {
    throw new ConfigError('Invalid configuration:\n  OPENAI_API_KEY: must be set when SITE_EDITOR=openai');
  }
  if (parseDuration(env.EDIT_REMINDER_AFTER) >= parseDuration(env.EDIT_EXPIRY)) {
    throw new ConfigError('Invalid configuration:\n  EDIT_REMINDER_AFTER: must be shorter than EDIT_EXPIRY');
  }
  if ((env.TEMPORAL_TLS_CERT === '') !== (env.TEMPORAL_TLS_KEY === '')) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both or neither');
  }
  if (env.NODE_ENV === 'production') {
    const defaulted: string[] = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter((k) => env[k] === DEV_SECRETS[k]);
    if (raw.DATABASE_URL === undefined) defaulted.push('DATABASE_URL');
    const problems = [...defaulted.map((k) => `  ${k}: must be set explicitly when NODE_ENV=production`), ...productionProblems(env)];
    if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/$/, ''),
    database: { url: raw.DATABASE_URL === undefined ? embeddedDatabaseUrl(env.DB_EMBEDDED_PORT) : env.DATABASE_URL, poolMax: env.DB_POOL_MAX, connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS, embedded: raw.DATABASE_URL === undefined },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
      codecKeys: parseCodecKeys(env.TEMPORAL_CODEC_KEYS),
      uiOrigin: env.TEMPORAL_UI_ORIGIN || `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`,
      addressGiven: raw.TEMPORAL_ADDRESS !== undefined,
    },
    http: { requestTimeoutMs: parseDuration(env.HTTP_REQUEST_TIMEOUT), connectionTimeoutMs: parseDuration(env.HTTP_CONNECTION_TIMEOUT) },
    purchaseHolds: { maxPerEmail: env.PURCHASE_MAX_OPEN_PER_EMAIL, maxPerIp: env.PURCHASE_MAX_OPEN_PER_IP },
    dataDir: env.DATA_DIR,
    auth: {
      jwtSecret: env.JWT_SECRET,
      adminApiToken: env.ADMIN_API_TOKEN,
      accessTokenTtlMs: parseDuration(env.ACCESS_TOKEN_TTL),
      refreshTokenTtlMs: parseDuration(env.REFRESH_TOKEN_TTL),
      sessionMaxAgeMs: parseDuration(env.REFRESH_SESSION_MAX_AGE),
      rateLimits: {
        login: { windowMs: parseDuration(env.LOGIN_RATE_WINDOW), perIp: env.LOGIN_MAX_PER_IP, perEmail: env.LOGIN_MAX_PER_EMAIL },
        authEmail: { windowMs: parseDuration(env.AUTH_EMAIL_RATE_WINDOW), perIp: env.AUTH_EMAIL_MAX_PER_IP, perEmail: env.AUTH_EMAIL_MAX_PER_EMAIL },
      },
    },
    ticketCreation: { windowMs: parseDuration(env.TICKET_CREATE_RATE_WINDOW), max: env.TICKET_CREATE_MAX },
    pricing: { purchaseAmountCents: env.PURCHASE_AMOUNT_CENTS, monthlyAmountCents: env.MONTHLY_AMOUNT_CENTS, currency: env.CURRENCY },
    durations: {
      checkoutExpiryMs: parseDuration(env.CHECKOUT_EXPIRY),
      gracePeriodMs: parseDuration(env.GRACE_PERIOD),
      billingPeriodMs: parseDuration(env.BILLING_PERIOD),
      renewalSlackMs: parseDuration(env.RENEWAL_SLACK),
    },
    support: {
      slaMs: {
        urgent: parseDuration(env.TICKET_SLA_URGENT),
        high: parseDuration(env.TICKET_SLA_HIGH),
        normal: parseDuration(env.TICKET_SLA_NORMAL),
        low: parseDuration(env.TICKET_SLA_LOW),
      },
      autoCloseMs: parseDuration(env.TICKET_AUTO_CLOSE),
      confidenceThreshold: env.AI_CONFIDENCE_THRESHOLD,
      agentEmail: env.SUPPORT_AGENT_EMAIL,
    },
    assistant: { kind: env.ASSISTANT, baseUrl: env.OPENAI_BASE_URL.replace(/\/$/, ''), apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL, timeoutMs: parseDuration(env.OPENAI_TIMEOUT) },
    recurrente: {
      apiUrl: env.RECURRENTE_API_URL.replace(/\/$/, ''),
      publicKey: env.RECURRENTE_PUBLIC_KEY,
      secretKey: env.RECURRENTE_SECRET_KEY,
      webhookSecret: env.RECURRENTE_WEBHOOK_SECRET.split(',')[0]!,
      webhookSecrets: env.RECURRENTE_WEBHOOK_SECRET.split(','),
    },
    postmark: { serverToken: env.POSTMARK_SERVER_TOKEN, apiHost: env.POSTMARK_API_HOST, useHttps: env.POSTMARK_USE_HTTPS, from: env.EMAIL_FROM },
    webhookRelay: {
      pollMs: parseDuration(env.WEBHOOK_RELAY_POLL),
      retryMinMs: parseDuration(env.WEBHOOK_RELAY_RETRY_MIN),
      retryMaxMs: parseDuration(env.WEBHOOK_RELAY_RETRY_MAX),
      maxAttempts: env.WEBHOOK_RELAY_MAX_ATTEMPTS,
      batchSize: env.WEBHOOK_RELAY_BATCH,
    },
    hosting: {
      sitesBaseUrl: env.SITES_BASE_URL === '' ? null : env.SITES_BASE_URL.replace(/\/$/, ''),
      sitesDomain: env.SITES_DOMAIN === '' ? null : env.SITES_DOMAIN,
      apiHosts: apiHosts(env),
      cnameTarget: env.DOMAIN_CNAME_TARGET,
      aRecords: env.DOMAIN_A_RECORDS.split(','),
      aaaaRecords: env.DOMAIN_AAAA_RECORDS === '' ? [] : env.DOMAIN_AAAA_RECORDS.split(','),
      pageCacheMaxEntries: env.PAGE_CACHE_MAX_ENTRIES,
      tlsAskMaxPerMinute: env.TLS_ASK_MAX_PER_MINUTE,
    },
    domains: {
      verifyTimeoutMs: parseDuration(env.DOMAIN_VERIFY_TIMEOUT),
      checkMinMs: parseDuration(env.DOMAIN_CHECK_MIN_INTERVAL),
      checkMaxMs: parseDuration(env.DOMAIN_CHECK_MAX_INTERVAL),
      recheckIntervalMs: parseDuration(env.DOMAIN_RECHECK_INTERVAL),
      lapseAfterMs: parseDuration(env.DOMAIN_LAPSE_AFTER),
    },
    dns: { servers: dnsServers(env, raw.DNS_SERVERS), timeoutMs: parseDuration(env.DNS_TIMEOUT), adminPort: env.DNS_ADMIN_PORT },
    analytics: {
      salt: env.ANALYTICS_SALT,
      sessionTimeoutMs: parseDuration(env.ANALYTICS_SESSION_TIMEOUT),
      retentionMs: parseDuration(env.ANALYTICS_RETENTION),
      housekeepingIntervalMs: parseDuration(env.ANALYTICS_HOUSEKEEPING_INTERVAL),
      flushIntervalMs: parseDuration(env.ANALYTICS_FLUSH_INTERVAL),
      flushBatch: env.ANALYTICS_FLUSH_BATCH,
    },
    bookings: {
      minFillTimeMs: parseDuration(env.BOOKING_MIN_FILL_TIME),
      rateWindowMs: parseDuration(env.BOOKING_RATE_WINDOW),
      maxPerIp: env.BOOKING_MAX_PER_IP,
      maxPerSite: env.BOOKING_MAX_PER_SITE,
      platformLeadsEmail: env.PLATFORM_LEADS_EMAIL,
    },
    edits: { editor: env.SITE_EDITOR, reminderMs: parseDuration(env.EDIT_REMINDER_AFTER), expiryMs: parseDuration(env.EDIT_EXPIRY) },
    console: { temporalUiUrl: env.TEMPORAL_UI_URL.replace(/\/$/, ''), operatorSessionTtlMs: parseDuration(env.OPERATOR_SESSION_TTL) },
    temporalSecurity: {
      tls: env.TEMPORAL_TLS_CERT === '' ? null : {
        certPath: env.TEMPORAL_TLS_CERT,
        keyPath: env.TEMPORAL_TLS_KEY,
        caPath: env.TEMPORAL_TLS_CA === '' ? null : env.TEMPORAL_TLS_CA,
        serverName: env.TEMPORAL_TLS_SERVER_NAME === '' ? null : env.TEMPORAL_TLS_SERVER_NAME,
      },
      apiKey: env.TEMPORAL_API_KEY === '' ? null : env.TEMPORAL_API_KEY,
      rpcTimeoutMs: parseDuration(env.TEMPORAL_RPC_TIMEOUT),
    },
    money: {
      activationDeadlineMs: parseDuration(env.ACTIVATION_DEADLINE),
      activationRemindersMs: env.ACTIVATION_REMINDERS === '' ? [] : env.ACTIVATION_REMINDERS.split(',').map(parseDuration),
      operatorEmail: env.OPERATOR_EMAIL,
    },
  };
}
