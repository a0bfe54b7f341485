import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';

/** One ingest baseline: the table it writes, the one statement per request, and what it answers. */
export interface BareInsertSpec {
  /** Creates the table the statement writes to (run once, before the route is added). */
  table: string;
  /** The content type the route accepts; the body arrives as the raw string. */
  contentType: string;
  statement: string;
  values: (body: string, request: FastifyRequest) => unknown[];
  /** The status and body answered, given how many rows the statement wrote. */
  answer: (rowCount: number) => { status: number; body?: unknown };
}

/**
 * The baseline ingest benches compare with: `POST /insert` on a bare Fastify app, which stores each request
 * with one `pg` statement and nothing else (no verification, validation, ORM or logging). The route has its own
 * scope, so its body parser does not change the app's other routes.
 */
export async function addBareInsertRoute(app: FastifyInstance, pool: pg.Pool, spec: BareInsertSpec): Promise<void> {
  await pool.query(spec.table);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(spec.contentType, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.post('/insert', async (request, reply) => {
      const result = await pool.query(spec.statement, spec.values(request.body as string, request));
      const { status, body } = spec.answer(result.rowCount ?? 0);
      return reply.status(status).send(body);
    });
  });
}

/** The webhook ingest baseline: the raw body stored under the provider's message id, a redelivery answered as a duplicate. */
export const WEBHOOK_INBOX_BASELINE: BareInsertSpec = {
  table: 'create table if not exists bench_inbox (id text primary key, body bytea not null, received_at timestamptz not null default now())',
  contentType: 'application/json',
  statement: 'insert into bench_inbox (id, body) values ($1, $2) on conflict do nothing',
  values: (body, request) => [request.headers['svix-id'], Buffer.from(body)],
  answer: (rowCount) => ({ status: 200, body: { received: true, duplicate: rowCount === 0 } }),
};
