import type { Client } from '@temporalio/client';
import { UnavailableError } from '../lib/errors.js';
import { isTemporalUnavailable, TEMPORAL_RETRY_AFTER_SECONDS } from '../lib/temporal/client.js';
import type { ApiDeps } from './deps.js';
import { temporalCalls } from './metrics/registry.js';

/** How one call from the API into Temporal is bounded and how its failures read. */
export interface TemporalCallOptions {
  /** The call's deadline (a gRPC deadline); default the configured Temporal RPC timeout. */
  timeoutMs?: number;
  /** Cancels the call early (e.g. the webhook relay stopping). */
  signal?: AbortSignal;
  /** Turns the call's own failures (workflow not found, update refused, …) into the app's errors; undefined leaves the error as it is. */
  failure?: (error: unknown) => Error | undefined;
  /** What the 503 answer names as busy ("The <service> service is busy …"); default "workflow". */
  service?: string;
}

/**
 * The one way the API calls Temporal (start, signal, update, update-with-start, query, describe): under a deadline,
 * so a request never waits on a Temporal (or worker) that does not answer; with the call's own failures mapped to
 * the app's errors; and with Temporal down, unreachable, too slow or overloaded answered as a 503 with Retry-After.
 */
export async function callTemporal<R>(deps: Pick<ApiDeps, 'temporal' | 'config'>, call: (client: Client) => Promise<R>, options: TemporalCallOptions = {}): Promise<R> {
  const client = deps.temporal;
  const deadline = Date.now() + (options.timeoutMs ?? deps.config.temporal.rpcTimeoutMs);
  const bounded = () => client.withDeadline(deadline, () => call(client));
  const timer = temporalCalls.startTimer({ service: options.service ?? 'workflow' });
  try {
    const result = await (options.signal ? client.withAbortSignal(options.signal, bounded) : bounded());
    timer({ outcome: 'ok' });
    return result;
  } catch (error) {
    const mapped = options.failure?.(error);
    if (mapped) {
      timer({ outcome: 'refused' });
      throw mapped;
    }
    if (isTemporalUnavailable(error)) {
      timer({ outcome: 'unavailable' });
      throw new UnavailableError('temporarily_unavailable', `The ${options.service ?? 'workflow'} service is busy or restarting. Try again in a few seconds.`, TEMPORAL_RETRY_AFTER_SECONDS);
    }
    timer({ outcome: 'failed' });
    throw error;
  }
}
