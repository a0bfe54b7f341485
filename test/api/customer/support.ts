import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { CustomerUser, OneTimeToken } from '../../../db/entities/index.js';
import type { OneTimeTokenPurpose } from '../../../db/entities/one-time-token.entity.js';
import { hashPassword } from '../../../lib/auth/passwords.js';
import { linkTemplate } from '../../../lib/auth/one-time-tokens.js';
import { workflowIds } from '../../../lib/workflow-ids.js';
import type { TestApi } from '../../helpers/api.js';
import { resetDatabase } from '../../helpers/env.js';
import { startTestStack, type TestStack } from '../../helpers/stack.js';

/** Limits high enough that only the rate-limit tests ever meet them. */
export const GENEROUS_LIMITS = {
  LOGIN_MAX_PER_IP: '10000',
  LOGIN_MAX_PER_EMAIL: '10000',
  AUTH_EMAIL_MAX_PER_IP: '10000',
  AUTH_EMAIL_MAX_PER_EMAIL: '10000',
};

/** A strong password used across the tests. */
export const PASSWORD = 'Correct-Horse-7';

/** The API and a worker with a fake Postmark, shared by one test file; each test starts from an empty database. */
export interface CustomerContext {
  api: TestApi;
  stack: TestStack;
}

/** Registers the file's hooks: one API and worker for the file, a clean database and mailbox per test. */
export function useCustomerApi(overrides: Record<string, string> = GENEROUS_LIMITS): CustomerContext {
  const context = {} as CustomerContext;
  beforeAll(async () => {
    context.stack = await startTestStack(overrides);
    context.api = context.stack.api;
  });
  afterAll(async () => {
    await context.stack?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(context.api.orm);
    context.stack.postmark.reset();
  });
  afterEach(async () => {
    await settleLinkEmails(context);
  });
  return context;
}

/** Waits for every email workflow the test started, so none lands in the next test's database or mailbox. */
async function settleLinkEmails(ctx: CustomerContext): Promise<void> {
  const query = `TaskQueue = "${ctx.api.config.temporal.taskQueue}" AND ExecutionStatus = "Running"`;
  for await (const execution of ctx.api.temporal.workflow.list({ query })) {
    try {
      await ctx.api.temporal.workflow.getHandle(execution.workflowId).result();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}

/** Sends a JSON request to `/api/v1/customer<path>`. */
export function call(
  ctx: CustomerContext,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return ctx.api.app.inject({ method, url: `/api/v1/customer${path}`, headers, ...(options.body === undefined ? {} : { payload: options.body as object }) });
}

/** The body of a refused request: its code, its message and any details. */
export function failure(res: LightMyRequestResponse): { error: string; message: string; problems?: string[] } {
  return res.json();
}

/** Creates an account directly in the database, verified unless told otherwise. */
export async function createCustomer(
  ctx: CustomerContext,
  fields: { email?: string; password?: string | null; fullName?: string; verified?: boolean; isActive?: boolean } = {},
) {
  const em = ctx.api.orm.em.fork();
  const password = fields.password === undefined ? PASSWORD : fields.password;
  const customer = em.create(CustomerUser, {
    email: fields.email ?? 'ana@example.com',
    passwordHash: password === null ? null : await hashPassword(password),
    fullName: fields.fullName ?? 'Ana Pérez',
    emailVerifiedAt: fields.verified === false ? null : new Date(),
    isActive: fields.isActive ?? true,
  });
  await em.flush();
  return customer;
}

/** Session answer of a login, refresh, reset or set-password call. */
export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: Record<string, unknown>;
}

/** Logs in and returns the session, failing the test on anything but 200. */
export async function login(ctx: CustomerContext, email = 'ana@example.com', password = PASSWORD): Promise<Session> {
  const res = await call(ctx, 'POST', '/login', { body: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Session>();
}

/** The one-time-token rows of an account, newest first. */
export async function tokenRows(ctx: CustomerContext, email: string, purpose: OneTimeTokenPurpose) {
  return ctx.api.orm.em.fork().find(OneTimeToken, { customer: { email }, purpose }, { orderBy: { createdAt: 'desc' } });
}

/** Waits for the email of one idempotency key to be delivered and returns the message Postmark received. */
export async function deliveredEmail(ctx: CustomerContext, idempotencyKey: string) {
  await ctx.api.temporal.workflow.getHandle(workflowIds.email(idempotencyKey)).result();
  const message = ctx.stack.postmark.sent().find((m) => m.Metadata.idempotency_key === idempotencyKey);
  if (!message) throw new Error(`no email delivered for ${idempotencyKey}`);
  return message;
}

const handedOut = new Set<string>();

/**
 * Waits for the next link email of this purpose to the address (one this helper has not returned before: links
 * are minted and sent by the worker after the API answered) and returns its token, the message and its key.
 */
export async function linkFromEmail(ctx: CustomerContext, email: string, purpose: OneTimeTokenPurpose) {
  const tag = linkTemplate(purpose);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const message = ctx.stack.postmark.sent().filter((m) => m.To === email && m.Tag === tag && !handedOut.has(m.MessageID)).at(-1);
    if (message) {
      handedOut.add(message.MessageID);
      return { token: tokenInLink(message.TextBody ?? ''), message, idempotencyKey: String(message.Metadata.idempotency_key) };
    }
    if (Date.now() > deadline) throw new Error(`no ${purpose} email to ${email} arrived`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The `token` query parameter of the first link in an email body. */
export function tokenInLink(text: string): string {
  const match = /https?:\/\/\S+\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no link with a token in: ${text}`);
  return match[1];
}

/** Every row of the account tables, to show that a refused request changed nothing. */
export async function accountTables(ctx: CustomerContext): Promise<string> {
  const connection = ctx.api.orm.em.getConnection();
  const tables = ['customer_users', 'refresh_tokens', 'one_time_tokens', 'email_messages'];
  const dump: Record<string, unknown> = {};
  for (const table of tables) dump[table] = await connection.execute(`select * from ${table} order by id`);
  return JSON.stringify(dump);
}
