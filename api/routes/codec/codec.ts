import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Payload } from '@temporalio/common';
import { Type, type Static } from 'typebox';
import { AppError } from '../../../lib/errors.js';
import { EncryptionCodec, PayloadDecryptionError } from '../../../lib/temporal/codec.js';
import { errorResponses } from '../../schemas/common.js';

const Base64 = Type.String({ maxLength: 4 * 1024 * 1024, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const JsonPayload = Type.Object({
  metadata: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Base64)),
  data: Type.Optional(Base64),
});
const Payloads = Type.Object({ payloads: Type.Array(JsonPayload, { maxItems: 1000 }) }, { description: "Temporal's remote codec format: payload fields in base64" });
type JsonPayloadDto = Static<typeof JsonPayload>;

function fromJson(payload: JsonPayloadDto): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')),
  };
}

function toJson(payload: Payload): JsonPayloadDto {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/**
 * Temporal's remote codec endpoint (`POST …/codec/encode` and `…/codec/decode`), so the Web UI (`--ui-codec-endpoint`)
 * and `temporal` CLI can show encrypted payloads to an operator (the folder's guard requires the admin token).
 */
export const codecRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const codec = new EncryptionCodec(config.temporal.codecKeys);

  const convert = async (direction: 'encode' | 'decode', payloads: JsonPayloadDto[]) => {
    try {
      const converted = direction === 'encode' ? await codec.encode(payloads.map(fromJson)) : await codec.decode(payloads.map(fromJson));
      return { payloads: converted.map(toJson) };
    } catch (error) {
      if (error instanceof PayloadDecryptionError || (error instanceof Error && /auth|decrypt|invalid wire type|index out of range/i.test(error.message))) {
        throw new AppError(400, 'undecodable_payload', error.message);
      }
      throw error;
    }
  };

  for (const direction of ['encode', 'decode'] as const) {
    app.options(`/${direction}`, {
      config: { access: 'public' },
      schema: { tags: ['operations'], summary: `CORS preflight of the codec ${direction} endpoint`, response: { 204: Type.Null() } },
    }, async (_request, reply) => reply.status(204).send(null));

    app.post(`/${direction}`, {
      schema: {
        tags: ['operations'],
        summary: direction === 'encode' ? 'Encrypt payloads with the current codec key' : 'Decrypt payloads for the Temporal Web UI',
        security: [{ admin: [] }],
        body: Payloads,
        response: { 200: Payloads, ...errorResponses(400, 401) },
      },
    }, async (request) => convert(direction, request.body.payloads));
  }
};
