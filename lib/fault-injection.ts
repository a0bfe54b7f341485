import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { seededRandom } from './seeded-random.js';

/**
 * Faults a local fake (simulated Recurrente, fake Postmark) injects into its API answers. Each request draws once from a
 * seeded generator: an error (a 5xx in the provider's own error format, nothing done), a timeout (held for `holdMs`,
 * then a 504, nothing done) or a late answer (done — the checkout created, the message accepted — but answered only
 * after `holdMs`, past the client's timeout); every answer also waits `latencyMs`.
 */
export const FaultSettingsSchema = Type.Object({
  errorRate: Type.Number({ minimum: 0, maximum: 1, description: 'share of requests answered with a 5xx, nothing done' }),
  timeoutRate: Type.Number({ minimum: 0, maximum: 1, description: 'share of requests held for holdMs, then answered 504, nothing done' }),
  lateRate: Type.Number({ minimum: 0, maximum: 1, description: 'share of requests done but answered only after holdMs' }),
  latencyMs: Type.Integer({ minimum: 0, maximum: 600_000, description: 'added to every answer' }),
  holdMs: Type.Integer({ minimum: 0, maximum: 600_000, description: 'how long a timed-out or late request is held: longer than the client waits' }),
  seed: Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: 'seed of the draws; the same seed and requests give the same faults' }),
}, { additionalProperties: false });

/** The faults a fake injects. */
export type FaultSettings = Static<typeof FaultSettingsSchema>;

/** A change of some fault settings (the control endpoint's `PUT` body). */
export const FaultChangeSchema = Type.Partial(FaultSettingsSchema, { additionalProperties: false });
export type FaultChange = Static<typeof FaultChangeSchema>;

/** What a request drew. */
export type FaultDecision = 'pass' | 'error' | 'timeout' | 'late';

/** How many requests met each fault since the fake started. */
export interface FaultCounts {
  requests: number;
  errors: number;
  timeouts: number;
  late: number;
}

/** The settings in force and what they injected so far (the control endpoint's answer). */
export interface FaultReport {
  settings: FaultSettings;
  injected: FaultCounts;
}

/** No faults. The hold is longer than either client's default timeout (Recurrente 10 s, Postmark 20 s). */
export const NO_FAULTS: FaultSettings = { errorRate: 0, timeoutRate: 0, lateRate: 0, latencyMs: 0, holdMs: 35_000, seed: 1 };

const SPEC_KEYS = { error: 'errorRate', timeout: 'timeoutRate', late: 'lateRate', latency: 'latencyMs', hold: 'holdMs', seed: 'seed' } as const;
const SPEC_DURATION = /^([0-9]+)(ms|s|m)$/;
const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** What is wrong with a fault change, in words; undefined when it is valid. */
export function faultChangeProblem(change: unknown): string | undefined {
  if (Value.Check(FaultChangeSchema, change)) {
    const { errorRate = 0, timeoutRate = 0, lateRate = 0 } = change;
    return errorRate + timeoutRate + lateRate > 1 ? 'errorRate, timeoutRate and lateRate together must be at most 1' : undefined;
  }
  const first = Value.Errors(FaultChangeSchema, change)[0];
  const field = first?.instancePath.replace(/^\//, '') || 'body';
  return `${field} ${first?.message ?? 'is invalid'}; fields: ${Object.values(SPEC_KEYS).join(', ')}`;
}

/**
 * Reads the start-up form of fault settings, `error=0.2,timeout=0.05,late=0.05,latency=100ms,hold=35s,seed=7`
 * (every part optional; empty: no faults). Throws a RangeError saying what is wrong.
 */
export function parseFaultSpec(spec: string): FaultChange {
  const change: Record<string, number> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name = '', value = ''] = part.split('=').map((p) => p.trim());
    const key = (SPEC_KEYS as Record<string, (typeof SPEC_KEYS)[keyof typeof SPEC_KEYS]>)[name];
    if (!key) throw new RangeError(`unknown fault "${name}" (known: ${Object.keys(SPEC_KEYS).join(', ')})`);
    const duration = SPEC_DURATION.exec(value);
    const number = key === 'latencyMs' || key === 'holdMs'
      ? (duration ? Number(duration[1]) * DURATION_UNITS_MS[duration[2] as keyof typeof DURATION_UNITS_MS] : Number.NaN)
      : value === '' ? Number.NaN : Number(value);
    if (Number.isNaN(number)) throw new RangeError(`fault "${name}" needs ${key === 'latencyMs' || key === 'holdMs' ? 'a duration such as 250ms or 35s' : 'a number'}, got "${value}"`);
    change[key] = number;
  }
  const problem = faultChangeProblem(change);
  if (problem) throw new RangeError(problem);
  return change;
}

/** What is wrong with a start-up fault spec (for the configuration's check); undefined when it reads. */
export function faultSpecProblem(spec: string): string | undefined {
  try {
    parseFaultSpec(spec);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Draws each request's fault from a seeded generator and counts what it injected. */
export class FaultInjector {
  private settings: FaultSettings;
  private random: () => number;
  private readonly counts: FaultCounts = { requests: 0, errors: 0, timeouts: 0, late: 0 };

  constructor(initial: FaultChange = {}) {
    this.settings = NO_FAULTS;
    this.random = seededRandom(NO_FAULTS.seed);
    this.change(initial);
  }

  /** Applies a change; a new seed restarts the draws. Throws a RangeError when the change is invalid. */
  change(change: FaultChange): FaultReport {
    const problem = faultChangeProblem(change);
    if (problem) throw new RangeError(problem);
    const next = { ...this.settings, ...change };
    if (next.errorRate + next.timeoutRate + next.lateRate > 1) throw new RangeError('errorRate, timeoutRate and lateRate together must be at most 1');
    this.settings = next;
    if (change.seed !== undefined) this.random = seededRandom(change.seed);
    return this.report();
  }

  report(): FaultReport {
    return { settings: { ...this.settings }, injected: { ...this.counts } };
  }

  /** The settings in force. */
  get current(): FaultSettings {
    return this.settings;
  }

  /** Draws the fault of one request. */
  decide(): FaultDecision {
    this.counts.requests += 1;
    const { errorRate, timeoutRate, lateRate } = this.settings;
    if (errorRate + timeoutRate + lateRate === 0) return 'pass';
    const draw = this.random();
    if (draw < errorRate) {
      this.counts.errors += 1;
      return 'error';
    }
    if (draw < errorRate + timeoutRate) {
      this.counts.timeouts += 1;
      return 'timeout';
    }
    if (draw < errorRate + timeoutRate + lateRate) {
      this.counts.late += 1;
      return 'late';
    }
    return 'pass';
  }

  /** A second draw, for picking among a fault's variants (which 5xx). */
  pick<T>(choices: readonly [T, ...T[]]): T {
    return choices[Math.floor(this.random() * choices.length)] ?? choices[0];
  }
}

/** How a fake answers an injected fault, in its provider's wire format. */
export interface FaultAnswers {
  /** An injected server error: the status and the body. */
  error(injector: FaultInjector): { status: number; body: unknown };
  /** What a held request finally answers (a gateway timeout), if the client is still there. */
  timeout: { status: number; body: unknown };
}

/**
 * Injects the faults into every route of `app` (an encapsulated plugin, or the whole server) that `applies` to, and
 * ends held requests early when the server closes.
 */
export function injectFaults(app: FastifyInstance, injector: FaultInjector, answers: FaultAnswers, applies: (request: FastifyRequest) => boolean = () => true): void {
  const closing = new AbortController();
  const late = new WeakSet<FastifyRequest>();
  const wait = (ms: number) => sleep(ms, closing.signal);

  app.addHook('preClose', async () => closing.abort());
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!applies(request)) return;
    const decision = injector.decide();
    const { latencyMs, holdMs } = injector.current;
    await wait(latencyMs);
    if (decision === 'error') {
      const { status, body } = answers.error(injector);
      return reply.code(status).send(body);
    }
    if (decision === 'timeout') {
      await wait(holdMs);
      return reply.code(answers.timeout.status).send(answers.timeout.body);
    }
    if (decision === 'late') late.add(request);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (late.has(request)) await wait(injector.current.holdMs);
    return payload;
  });
}

/** `GET /__faults` (the settings and what was injected) and `PUT /__faults` (a JSON change of settings), for operators of a running fake. */
export function registerFaultControl(app: FastifyInstance, injector: FaultInjector, invalid: (message: string) => unknown): void {
  app.get('/__faults', async () => injector.report());
  app.put('/__faults', async (request, reply) => {
    const body = typeof request.body === 'string' ? parseJson(request.body) : request.body;
    const problem = faultChangeProblem(body);
    if (problem) return reply.code(400).send(invalid(problem));
    try {
      return injector.change(body as FaultChange);
    } catch (error) {
      return reply.code(400).send(invalid(error instanceof Error ? error.message : String(error)));
    }
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
