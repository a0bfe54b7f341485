import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../lib/config.js';
import { gateFindings } from '../../../lib/preview-generator/gate.js';
import type { Listing } from '../../../lib/preview-generator/generator.js';
import { createPreviewGenerator } from '../../../lib/preview-generator/index.js';
import { generateLocally } from '../../../lib/preview-generator/local-generator.js';
import { OpenAiPreviewGenerator, PREVIEW_SITE_SCHEMA_NAME } from '../../../lib/preview-generator/openai-generator.js';
import { chatCompletionError, useFakeLlm } from '../../helpers/fake-llm.js';

const API_KEY = 'sk-test-generator';
const fake = useFakeLlm(API_KEY);

const generator = (timeoutMs = 3000) => new OpenAiPreviewGenerator({ baseUrl: fake.url, apiKey: API_KEY, model: 'gpt-test', timeoutMs });
const nobody = async () => 0;

const listing: Listing = {
  name: 'Peluquería Ñandú',
  category: 'Peluquería',
  address: '6a Avenida 12-45, Zona 1',
  city: 'Guatemala City',
  phone: '+502 2334 5678',
  hours: { 'Lun–Sáb': '9:00–19:00' },
  rating: 4.7,
  reviewCount: 58,
  reviews: [{ text: 'Me encantó el corte.', author: 'Ana Lucía' }],
  services: ['Cortes de cabello', 'Tintes'],
};

describe('OpenAI-compatible preview generator against the fake server', () => {
  it('asks for a strict json_schema answer and builds the site around the listing’s facts', async () => {
    const site = await generator().generate(listing);
    expect(site).toEqual(generateLocally(listing));
    expect(fake.requests().at(-1)).toMatchObject({
      authorization: `Bearer ${API_KEY}`,
      body: { model: 'gpt-test', response_format: { type: 'json_schema', json_schema: { name: PREVIEW_SITE_SCHEMA_NAME, strict: true } } },
    });
    expect(await gateFindings(listing, site, nobody)).toEqual([]);
  });

  it('hands the gate what the model invented, and the gate holds the site', async () => {
    fake.respondWith('embellish');
    const site = await generator().generate(listing);
    expect(site.content.contact?.phone).toBe(listing.phone);
    const findings = await gateFindings(listing, site, nobody);
    expect(findings.map((f) => f.message)).toEqual(expect.arrayContaining([
      expect.stringContaining('claims a licence or certification ("Licensed")'),
      expect.stringContaining('claims years in business ("since")'),
      expect.stringContaining('claims an award or ranking ("award-winning")'),
    ]));
  });

  it('fails malformed JSON as invalid output, not to be retried', async () => {
    fake.respondWith('malformed');
    expect(await chatCompletionError(generator().generate(listing))).toMatchObject({ code: 'invalid_output', retryable: false });
  });

  it('fails an answer that does not match the site schema as invalid output', async () => {
    fake.respondWith('schema-invalid');
    const error = await chatCompletionError(generator().generate(listing));
    expect(error).toMatchObject({ code: 'invalid_output', retryable: false });
    expect(error.message).toContain('site schema');
  });

  it('reports a provider 500 as retryable', async () => {
    fake.respondWith('error500');
    expect(await chatCompletionError(generator().generate(listing))).toMatchObject({ code: 'server_error', retryable: true, status: 500 });
  });

  it('gives up on a slow answer at its timeout, as retryable', async () => {
    fake.respondWith('slow');
    expect(await chatCompletionError(generator(300).generate(listing))).toMatchObject({ code: 'timeout', retryable: true });
  });
});

describe('choosing the generator from the configuration', () => {
  it('is the embedded generator by default', () => {
    expect(createPreviewGenerator(loadConfig({})).name).toBe('embedded');
  });

  it('is the OpenAI-compatible adapter when configured, which needs an API key', () => {
    expect(createPreviewGenerator(loadConfig({ PREVIEW_GENERATOR: 'openai', OPENAI_API_KEY: 'sk-x' })).name).toBe('openai');
    expect(() => loadConfig({ PREVIEW_GENERATOR: 'openai' })).toThrow(ConfigError);
    expect(() => loadConfig({ PREVIEW_GENERATOR: 'openai' })).toThrow('OPENAI_API_KEY: must be set when PREVIEW_GENERATOR=openai');
  });
});
