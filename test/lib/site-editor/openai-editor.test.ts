import { describe, expect, it } from 'vitest';
import { EVALUATION_CONTENT } from '../../../lib/site-editor/evaluation.js';
import { OpenAiSiteEditor, SITE_EDIT_SCHEMA_NAME } from '../../../lib/site-editor/openai-editor.js';
import { chatCompletionError, useFakeLlm } from '../../helpers/fake-llm.js';

const API_KEY = 'sk-test-editor';
const fake = useFakeLlm(API_KEY);

const editor = (timeoutMs = 2000) => new OpenAiSiteEditor({ baseUrl: fake.url, apiKey: API_KEY, model: 'gpt-test', timeoutMs });
const input = { request: 'please change our phone number to (555) 010-2233', content: EVALUATION_CONTENT };

describe('OpenAI-compatible site editor against the fake server', () => {
  it('sends a strict json_schema request and returns the validated change', async () => {
    const proposal = await editor().propose(input);
    expect(proposal).toMatchObject({ kind: 'change', changes: [{ op: 'set', field: 'phone', value: '(555) 010-2233' }] });
    expect(fake.requests().at(-1)).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      body: { model: 'gpt-test', response_format: { type: 'json_schema', json_schema: { name: SITE_EDIT_SCHEMA_NAME, strict: true } } },
    });
  });

  it('passes on the model’s refusal of a request it does not understand', async () => {
    const proposal = await editor().propose({ ...input, request: 'Can you add a photo gallery?' });
    expect(proposal.kind).toBe('refused');
  });

  it('rejects a malformed answer as invalid output (not retryable)', async () => {
    fake.respondWith('malformed');
    expect(await chatCompletionError(editor().propose(input))).toMatchObject({ code: 'invalid_output', retryable: false });
  });

  it('rejects an answer that does not match the edit schema', async () => {
    fake.respondWith('schema-invalid');
    const error = await chatCompletionError(editor().propose(input));
    expect(error).toMatchObject({ code: 'invalid_output', retryable: false });
    expect(error.message).toContain('edit schema');
  });

  it('reports a provider failure as retryable', async () => {
    fake.respondWith('error500');
    expect(await chatCompletionError(editor().propose(input))).toMatchObject({ code: 'server_error', retryable: true });
  });

  it('gives up on a slow answer at its timeout, as retryable', async () => {
    fake.respondWith('slow');
    expect(await chatCompletionError(editor(300).propose(input))).toMatchObject({ code: 'timeout', retryable: true });
  });
});
