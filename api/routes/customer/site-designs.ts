import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CORNER_RADII, FONT_PAIRINGS, TEMPLATE_IDS } from '../../../lib/site-editor/content.js';
import { EditRequestView } from '../../schemas/answers.js';
import { errorResponses } from '../../schemas/common.js';
import { customerEditRequestDto, openDesignRequest } from '../../services/site-edits.js';
import { editRequestLimit } from './site-edits.js';

const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });

/** The owner's template and theme picker (`/customer/sites/:siteId/design-requests`): an edit request with the chosen changes. */
export const siteDesignRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['site versions and edits'];
  const security = [{ bearer: [] }];
  const countEditRequest = editRequestLimit(app.deps.config);

  app.post('/sites/:siteId/design-requests', {
    config: { action: 'edits.request' },
    schema: {
      tags, security, summary: 'Ask for a new template or theme; a private preview follows (owners only)', params: SiteParams,
      body: Type.Object({
        template: Type.Optional(Type.Enum(TEMPLATE_IDS)),
        font: Type.Optional(Type.Enum(FONT_PAIRINGS)),
        radius: Type.Optional(Type.Enum(CORNER_RADII)),
        primary_color: Type.Optional(Color),
        accent_color: Type.Optional(Color),
      }, { additionalProperties: false, minProperties: 1 }),
      description: 'Colours are checked for WCAG AA contrast as every template uses them: a failing one answers 400 `theme_contrast` naming the field. '
        + 'Choosing the current design answers 400 `no_change`. Counts against the same limits as edit requests.',
      response: { 201: EditRequestView, ...errorResponses(400, 401, 402, 403, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const { site } = request;
    await countEditRequest(request, reply, site.id);
    const created = await openDesignRequest(app.deps, request.em, site, request.customer.id, request.body);
    return reply.status(201).send(customerEditRequestDto(app.deps.config, created));
  });
};
