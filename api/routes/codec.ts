import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Payload } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../lib/errors.js';
import { EncryptionCodec, PayloadDecryptionError } from '../../lib/temporal/codec.js';
import { authenticateAdmin } from '../auth/admin.js';
import { errorResponses } from '../schemas/common.js';

const Base64 = Type.String({ maxLength: 4 * 1024 * 1024, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
const JsonPayload = Type.Object({
  metadata: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Base64)),
  data: Type.Optional(Base64),
});
const Payloads = Type.Object({ payloads: Type.Array(JsonPayload, { maxItems: 1000 }) }, { description: "Temporal's remote codec format: payload fields in base64" });
type JsonPayloadDto = { metadata?: Record<string, string>; data?: string };

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

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
 * and `temporal` CLI can show encrypted payloads to an operator. Requires the admin token; in development a
 * request from this machine is let in without it, so the local UI works out of the box.
 */
export const codecRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app.deps;
  const codec = new EncryptionCodec(config.temporal.codecKeys);

  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.origin === config.temporal.uiOrigin) {
      reply.header('access-control-allow-origin', config.temporal.uiOrigin)
        .header('access-control-allow-credentials', 'true')
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
        .header('vary', 'origin');
    }
  });

  async function authenticateOperator(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (config.env === 'development' && request.headers.authorization === undefined && LOOPBACK.has(request.socket.remoteAddress ?? '')) return;
    await authenticateAdmin(request, reply);
  }

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
      schema: { tags: ['operations'], summary: `CORS preflight of the codec ${direction} endpoint`, response: { 204: Type.Null() } },
    }, async (_request, reply) => reply.status(204).send(null));

    app.post(`/${direction}`, {
      preHandler: authenticateOperator,
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
