import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AgentEditRequest, WorkCount, WorkItem } from '../../schemas/answers.js';
import { errorResponses } from '../../schemas/common.js';
import { Text } from '../../schemas/tickets.js';
import { agentEditRequestView, answerEditRequest } from '../../services/agent-edits.js';
import { workCount, workQueue } from '../../services/work-queue.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The agents' one work queue: everything waiting on a person (tickets, edit requests handed to a person, rejected
 * previews, needs-attention cases, domain checks) with its deadline; and the edit request page an agent answers from.
 */
export const workQueueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['support agents'];
  const security = [{ admin: [] }];

  app.get('/work-queue', {
    config: { operatorAction: 'support.work' },
    schema: {
      tags, security, summary: 'Everything waiting on a person, soonest due first, each with its deadline (QUEUE_SLA_*, TICKET_SLA_*)',
      response: { 200: Type.Object({ items: Type.Array(WorkItem), ...WorkCount.properties }), ...errorResponses(401, 403) },
    },
  }, async (request) => {
    const items = await workQueue(request.em, app.deps.config);
    return { items, ...workCount(items) };
  });

  app.get('/work-queue/count', {
    config: { operatorAction: 'support.work' },
    schema: { tags, security, summary: 'How many items wait in the work queue, and how many are overdue (the console navigation)', response: { 200: WorkCount, ...errorResponses(401, 403) } },
  }, async (request) => workCount(await workQueue(request.em, app.deps.config)));

  app.get('/edit-requests/:id', {
    config: { operatorAction: 'support.work' },
    schema: { tags, security, summary: 'An edit request with who asked, why the editor handed it over and the live content', params: IdParams, response: { 200: AgentEditRequest, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => agentEditRequestView(app.deps, request.em, request.params.id));

  app.post('/edit-requests/:id/answer', {
    config: { operatorAction: 'support.work' },
    schema: {
      tags, security, summary: 'Answer the owner about a request the editor handed over or a rejected preview (once); it leaves the work queue',
      params: IdParams, body: Type.Object({ body: Text(2000) }, { additionalProperties: false }),
      response: { 200: AgentEditRequest, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => answerEditRequest(app.deps, request.em, request.params.id, request.operator, request.body.body.trim()));
};
