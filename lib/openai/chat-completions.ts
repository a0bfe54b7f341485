import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/** How to reach an OpenAI-compatible Chat Completions API. */
export interface ChatEndpoint {
  /** API root that `/chat/completions` is appended to, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  /** A model that supports structured outputs (`response_format` of type `json_schema`). */
  model: string;
  /** Limit for the whole request, response body included. */
  timeoutMs: number;
  /** Sent only when set: some reasoning models reject any value but their default. */
  temperature?: number;
}

/** Why a completion could not be used. */
export type ChatFailureCode = 'timeout' | 'network' | 'rate_limited' | 'server_error' | 'client_error' | 'invalid_output';

/** A request that failed or an answer that cannot be used; `retryable` tells whether the same request may succeed later. */
export class ChatCompletionError extends Error {
  override readonly name = 'ChatCompletionError';

  constructor(
    message: string,
    readonly code: ChatFailureCode,
    readonly retryable: boolean,
    /** HTTP status of the provider's answer, when there was one. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const ChatCompletionSchema = Type.Object({
  choices: Type.Array(
    Type.Object({
      finish_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      message: Type.Object({
        content: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        refusal: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      }),
    }),
    { minItems: 1 },
  ),
});

/** The first schema violation of a value, as `path message`. */
export function firstSchemaError(schema: TSchema, value: unknown): string {
  const error = Value.Errors(schema, value)[0];
  return error ? `${error.instancePath || '/'} ${error.message}` : 'invalid';
}

/** An answer the caller cannot use (not retried: the same request would give the same kind of answer). */
export function invalidOutput(message: string, cause?: unknown): ChatCompletionError {
  return new ChatCompletionError(message, 'invalid_output', false, undefined, cause === undefined ? undefined : { cause });
}

function httpError(status: number, body: string): ChatCompletionError {
  const detail = body.slice(0, 300);
  if (status === 429) return new ChatCompletionError(`rate limited (429): ${detail}`, 'rate_limited', true, status);
  if (status >= 500 || status === 408) return new ChatCompletionError(`provider error (${status}): ${detail}`, 'server_error', true, status);
  return new ChatCompletionError(`request rejected (${status}): ${detail}`, 'client_error', false, status);
}

async function post(endpoint: string, apiKey: string, timeoutMs: number, body: unknown): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new ChatCompletionError(`no answer within ${timeoutMs} ms`, 'timeout', true, undefined, { cause: error });
    }
    throw new ChatCompletionError(`cannot reach ${endpoint}: ${String(error)}`, 'network', true, undefined, { cause: error });
  }
}

/** The model's JSON output from a completion body; refusals, cut-off and non-JSON answers are `invalid_output`. */
function structuredOutput(text: string): unknown {
  let completion: unknown;
  try {
    completion = JSON.parse(text);
  } catch (error) {
    throw invalidOutput('the provider answered with a body that is not JSON', error);
  }
  if (!Value.Check(ChatCompletionSchema, completion)) {
    throw invalidOutput(`the provider's answer is not a chat completion: ${firstSchemaError(ChatCompletionSchema, completion)}`);
  }
  const choice = completion.choices[0];
  if (choice?.message.refusal) throw invalidOutput(`the model refused: ${choice.message.refusal}`);
  if (choice?.finish_reason === 'length') throw invalidOutput('the model output was cut off (finish_reason "length")');
  const content = choice?.message.content;
  if (typeof content !== 'string') throw invalidOutput('the model returned no content');
  try {
    return JSON.parse(content);
  } catch (error) {
    throw invalidOutput('the model output is not valid JSON', error);
  }
}

/**
 * Asks the model for output in a strict JSON schema (structured outputs) and answers the parsed output, still to be
 * checked against the caller's own schema. Provider and network failures become retryable or final `ChatCompletionError`s.
 */
export async function requestStructuredOutput(
  chat: ChatEndpoint,
  request: { system: string; user: unknown; schemaName: string; schema: TSchema },
): Promise<unknown> {
  const endpoint = `${chat.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const { status, text } = await post(endpoint, chat.apiKey, chat.timeoutMs, {
    model: chat.model,
    messages: [
      { role: 'system', content: request.system },
      { role: 'user', content: JSON.stringify(request.user) },
    ],
    response_format: { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: request.schema } },
    ...(chat.temperature === undefined ? {} : { temperature: chat.temperature }),
  });
  if (status < 200 || status >= 300) throw httpError(status, text);
  return structuredOutput(text);
}
