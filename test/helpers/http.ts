import { expect } from 'vitest';
import type { TestStack } from './stack.js';

/** One request over real HTTP to the listening API, as a browser or app sends it: a JSON body and a bearer token when given. */
export async function callApi<T = Record<string, unknown>>(
  stack: TestStack,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: T }> {
  const { body, token, headers = {} } = options;
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** The newest mail with a tag to an address, read through Postmark's message-retrieval API, as a developer would. */
export async function readMail(stack: TestStack, to: string, tag: string): Promise<{ TextBody: string }> {
  const headers = { 'X-Postmark-Server-Token': stack.config.postmark.serverToken, accept: 'application/json' };
  const base = `http://${stack.postmark.host}`;
  let id: string | undefined;
  await expect.poll(async () => {
    const list = (await (await fetch(`${base}/messages/outbound?count=50&offset=0&recipient=${encodeURIComponent(to)}&tag=${tag}`, { headers })).json()) as { Messages: { MessageID: string }[] };
    id = list.Messages[0]?.MessageID;
    return id;
  }, { timeout: 20_000 }).toBeTruthy();
  return (await (await fetch(`${base}/messages/outbound/${id}/details`, { headers })).json()) as { TextBody: string };
}
