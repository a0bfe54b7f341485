import { UnavailableError } from '../lib/errors.js';

/** What a client is told to wait before trying again while the database is down, restarting or saturated. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket failures: the server is not there, or the connection to it broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), insufficient resources (class 53:
 * too many connections, out of memory or disk), operator intervention (57P01–57P05: shutting down, starting up,
 * crashed, idle session ended) and query_canceled (57014: the statement timeout, a lock held too long).
 */
function unavailableState(code: string): boolean {
  return /^(08|53)/.test(code) || /^57P0[1-5]$/.test(code) || code === '57014';
}

/** node-postgres's own words for a connection it could not get, or lost (it gives these no code). */
const DRIVER_MESSAGES = /timeout exceeded when trying to connect|connection terminated|connection timeout|not queryable|connection is closed/i;

/**
 * Whether an error means the database could not answer (down, restarting, every connection busy, a statement past
 * its timeout) rather than refusing the request: such a request may succeed if tried again later. Looks through the
 * ORM's wrappers (`cause`) to the driver's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || unavailableState(code))) return true;
    if (DRIVER_MESSAGES.test(current.message)) return true;
  }
  return false;
}

/** The answer for a request the database could not serve: 503 with `Retry-After`. */
export function databaseUnavailable(): UnavailableError {
  return new UnavailableError('database_unavailable', 'The database is busy or restarting. Try again in a few seconds.', DATABASE_RETRY_AFTER_SECONDS);
}
