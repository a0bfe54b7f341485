import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminFolder } from './admin/index.js';
import { codecFolder } from './codec/index.js';
import { customerFolder } from './customer/index.js';
import { publicFolder } from './public/index.js';
import { subscriptionsFolder } from './subscriptions/index.js';
import { ticketsFolder } from './tickets/index.js';
import { webhooksFolder } from './webhooks/index.js';

/** The JSON API (`/api/v1`): one folder per URL prefix, each registering its own authentication once. */
export const apiRoutes: FastifyPluginAsyncTypebox = async (api) => {
  await api.register(publicFolder);
  await api.register(webhooksFolder, { prefix: '/webhooks' });
  await api.register(customerFolder, { prefix: '/customer' });
  await api.register(ticketsFolder, { prefix: '/tickets' });
  await api.register(subscriptionsFolder, { prefix: '/subscriptions' });
  await api.register(adminFolder, { prefix: '/admin' });
  await api.register(codecFolder, { prefix: '/codec' });
};
