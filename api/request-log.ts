import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify';
import pino from 'pino';
import { anonymizeIp } from '../lib/anonymize-ip.js';

const REDACTED_QUERY = /([?&](?:token|preview)=)[^&#]*/gi;
/** The token of a private edit preview (`/preview/<token>`, api/routes/pages/previews.ts). */
const REDACTED_PATH = /^(\/preview\/)[^/?#]+/i;

/** The request URL as logged: one-time tokens and preview keys in the query, and preview tokens in the path, are replaced. */
export function loggableUrl(url: string): string {
  const path = url.replace(REDACTED_PATH, '$1[redacted]');
  return path.includes('?') ? path.replace(REDACTED_QUERY, '$1[redacted]') : path;
}

/** An `onRequest` hook: every answer names its request id, the `reqId` of its log line. */
export function echoRequestId(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('x-request-id', request.id);
  done();
}

/**
 * One line per request, written once the response is sent, instead of Fastify's two; Fastify's other per-request
 * lines stay off (errors are logged by the error handler).
 */
export class OneLinePerRequest extends LogController {
  constructor(private readonly logger: FastifyBaseLogger) {
    super({ disableRequestLogging: true });
  }

  override incomingRequest(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // The client address only truncated (IPv4 /24, IPv6 /48): full IPs are personal data and never reach the log.
    const line = { reqId: request.id, method: request.method, url: loggableUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, ip: anonymizeIp(request.ip) };
    // Beside the request id, the trace id when tracing is on: the same request in the collector's traces.
    this.logger.info(request.span ? { ...line, traceId: request.span.spanContext().traceId } : line, 'request');
  }
}

/**
 * Standard output, in batches: lines are collected and handed to sonic-boom (pino's asynchronous destination) about
 * 16 KiB at a time, and at least once a second, so a busy server makes one write(2) through libuv's thread pool per
 * ~80 request lines instead of one per kilobyte, and a quiet one still shows its last request within a second.
 * sonic-boom alone cannot batch that far cheaply: it measures its pending chunk's byte length on every line.
 * The batch is written synchronously when the process exits, so a crash loses no line already logged.
 */
export class BatchedStdout {
  private readonly target = pino.destination({ dest: 1, sync: false, minLength: 0 });
  private lines: string[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flushSync();

  constructor(private readonly batchChars = 16 * 1024, flushEveryMs = 1000) {
    this.timer = setInterval(() => this.flush(), flushEveryMs).unref();
    process.once('exit', this.onExit);
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= this.batchChars) this.flush();
    return true;
  }

  /** Hands the batch to sonic-boom, which writes it asynchronously. */
  flush(): void {
    if (this.size === 0) return;
    const batch = this.lines.join('');
    this.lines = [];
    this.size = 0;
    this.target.write(batch);
  }

  /** Writes everything held back, synchronously. */
  flushSync(): void {
    this.flush();
    this.target.flushSync();
  }

  /** Writes what is left and stops: the app is closed. */
  close(): void {
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
    this.flushSync();
  }
}
