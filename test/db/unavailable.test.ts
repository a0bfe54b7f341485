import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { freePort } from '../helpers/ports.js';

/** An error as node-postgres reports a server's refusal: the message and its SQLSTATE. */
const serverError = (message: string, code: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('which database errors mean "try again later"', () => {
  it('counts a refused connection, as node-postgres reports it, directly and through the ORM\'s wrapper', async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 5000 });
    const refused = await client.connect().then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new DriverException(refused as Error))).toBe(true);
    expect(isDatabaseUnavailable(new Error('the query failed', { cause: refused }))).toBe(true);
  });

  it('counts a server shutting down, starting up or out of connections, a statement timeout and a pool wait past its limit', () => {
    for (const error of [
      serverError('terminating connection due to administrator command', '57P01'),
      serverError('the database system is starting up', '57P03'),
      serverError('sorry, too many clients already', '53300'),
      serverError('canceling statement due to statement timeout', '57014'),
      serverError('connection failure', '08006'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ]) expect(isDatabaseUnavailable(error), error.message).toBe(true);
  });

  it('does not count what trying again cannot fix', () => {
    const duplicate = serverError('duplicate key value violates unique constraint "sites_slug_unique"', '23505');
    for (const error of [duplicate, new UniqueConstraintViolationException(duplicate), serverError('syntax error at or near "selec"', '42601'), new Error('boom'), 'text']) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
