import fp from 'fastify-plugin';
import { accountPageRoutes } from './account-pages.js';
import { analyticsScriptRoutes } from './analytics-script.js';
import { assetRoutes } from './assets.js';
import { hostingRoutes } from './hosting.js';
import { photoRoutes } from './photos.js';
import { previewRoutes } from './previews.js';

/**
 * Everything outside `/api/v1`: hosted sites (by path, subdomain or custom domain), the portal and console pages,
 * their assets, the analytics script, private edit previews and uploaded photos. Public; not encapsulated, so the page cache and its
 * change listener decorate the app.
 */
export const pagesFolder = fp(async (app) => {
  await app.register(assetRoutes);
  await app.register(hostingRoutes);
  await app.register(accountPageRoutes);
  await app.register(analyticsScriptRoutes);
  await app.register(previewRoutes);
  await app.register(photoRoutes);
}, { name: 'pages', dependencies: ['context', 'analytics'] });
