import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { truthfulDocument } from './openapi-rules.js';

/** OpenAPI document at /api/v1/openapi.json and the docs page at /api/docs. */
export const swaggerPlugin = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    // Read once, when the document is first asked for: every route is registered by then.
    transformObject: (built) => truthfulDocument('openapiObject' in built ? built.openapiObject : built.swaggerObject, app.optionalBodies),
    openapi: {
      info: {
        title: 'WebMagic API', version: '1.0.0',
        description: 'Preview sites, claims, subscriptions and support. Every error answer is JSON `{ error, message }`. '
          + 'Any request whose path, query or body holds a string with a NUL character or an unpaired surrogate (which cannot be stored), '
          + 'or nests more than 64 levels deep, is refused with 400; a path segment past 100 characters with 414.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          admin: { type: 'http', scheme: 'bearer', description: 'Admin API token' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}, { name: 'swagger' });
