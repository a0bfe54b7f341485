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
} as const;

/** The embedded PostgreSQL the run command starts when DATABASE_URL is not set. */
export const EMBEDDED_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5433/webmagic';

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
  CHECKOUT_EXPIRY: Type.Intersect([Duration], { default: '24h' }),
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
  RECURRENTE_WEBHOOK_SECRET: Type.String({ pattern: '^whsec_', default: DEV_SECRETS.RECURRENTE_WEBHOOK_SECRET }),
  POSTMARK_SERVER_TOKEN: Type.String({ default: 'POSTMARK_API_TEST' }),
  POSTMARK_API_HOST: Type.String({ default: '127.0.0.1:3002' }),
  POSTMARK_USE_HTTPS: Type.Boolean({ default: false }),
  EMAIL_FROM: Type.String({ default: 'WebMagic <hello@webmagic.local>' }),
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
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number };
  /** Where the run command keeps embedded PostgreSQL and the Temporal dev server's SQLite file. */
  dataDir: string;
  auth: {
    jwtSecret: string;
    adminApiToken: string;
    accessTokenTtlMs: number;
    refreshTokenTtlMs: number;
    /** Attempts per window on login, and on the endpoints that email a link (register, resend-verification, forgot-password). */
    rateLimits: { login: RateLimit; authEmail: RateLimit };
  };
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
  recurrente: { apiUrl: string; publicKey: string; secretKey: string; webhookSecret: string };
  postmark: { serverToken: string; apiHost: string; useHttps: boolean; from: string };
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

function parseTrustProxy(text: string): boolean | string[] {
  if (text === 'true' || text === 'false') return text === 'true';
  return text.split(',');
}

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
  if ((env.TEMPORAL_TLS_CERT === '') !== (env.TEMPORAL_TLS_KEY === '')) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both or neither');
  }
  if (env.NODE_ENV === 'production') {
    const defaulted: string[] = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter((k) => env[k] === DEV_SECRETS[k]);
    if (raw.DATABASE_URL === undefined) defaulted.push('DATABASE_URL');
    if (defaulted.length > 0) {
      throw new ConfigError(`Invalid configuration:\n${defaulted.map((k) => `  ${k}: must be set explicitly when NODE_ENV=production`).join('\n')}`);
    }
  }
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/$/, ''),
    database: { url: env.DATABASE_URL, poolMax: env.DB_POOL_MAX, connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS, embedded: raw.DATABASE_URL === undefined },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
    },
    dataDir: env.DATA_DIR,
    auth: {
      jwtSecret: env.JWT_SECRET,
      adminApiToken: env.ADMIN_API_TOKEN,
      accessTokenTtlMs: parseDuration(env.ACCESS_TOKEN_TTL),
      refreshTokenTtlMs: parseDuration(env.REFRESH_TOKEN_TTL),
      rateLimits: {
        login: { windowMs: parseDuration(env.LOGIN_RATE_WINDOW), perIp: env.LOGIN_MAX_PER_IP, perEmail: env.LOGIN_MAX_PER_EMAIL },
        authEmail: { windowMs: parseDuration(env.AUTH_EMAIL_RATE_WINDOW), perIp: env.AUTH_EMAIL_MAX_PER_IP, perEmail: env.AUTH_EMAIL_MAX_PER_EMAIL },
      },
    },
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
      webhookSecret: env.RECURRENTE_WEBHOOK_SECRET,
    },
    postmark: { serverToken: env.POSTMARK_SERVER_TOKEN, apiHost: env.POSTMARK_API_HOST, useHttps: env.POSTMARK_USE_HTTPS, from: env.EMAIL_FROM },
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
