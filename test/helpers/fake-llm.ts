import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ChatCompletionError } from '../../lib/openai/chat-completions.js';
import { startFakeLlm, type FakeLlm } from '../../lib/openai/fake.js';

/**
 * The fake OpenAI-compatible server for a test file: started before its tests (slow mode 4 s), answering `echo-local`
 * at the start of each test, closed after them. The object answers for the server once it is started.
 */
export function useFakeLlm(apiKey: string): FakeLlm {
  let started: FakeLlm | undefined;
  const current = (): FakeLlm => {
    if (!started) throw new Error('the fake LLM starts in beforeAll');
    return started;
  };
  beforeAll(async () => {
    started = await startFakeLlm({ apiKey, slowMs: 4000 });
  });
  afterAll(() => started?.close());
  beforeEach(() => current().respondWith('echo-local'));
  return {
    get url() {
      return current().url;
    },
    close: () => current().close(),
    requests: () => current().requests(),
    respondWith: (mode) => current().respondWith(mode),
  };
}

/** The ChatCompletionError the promise fails with (any other outcome fails the test). */
export async function chatCompletionError(promise: Promise<unknown>): Promise<ChatCompletionError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ChatCompletionError)) throw new Error(`expected a ChatCompletionError, got ${String(error)}`);
  return error;
}
