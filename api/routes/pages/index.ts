import fp from 'fastify-plugin';
import { accountPageRoutes } from './account-pages.js';
import { analyticsScriptRoutes } from './analytics-script.js';
import { assetRoutes } from './assets.js';
import { crawlingRoutes } from './crawling.js';
import { hostingRoutes } from './hosting.js';
import { photoRoutes } from './photos.js';
import { previewRoutes } from './previews.js';
import { unsubscribePageRoutes } from './unsubscribe.js';

/**
 * Everything outside `/api/v1`: hosted sites (by path, subdomain or custom domain), the portal and console pages,
 * their assets, the analytics script, private edit previews, uploaded photos, the unsubscribe pages and what crawlers
 * fetch (robots.txt, sitemaps, social cards). Public; not encapsulated, so the page cache and its
 * change listener decorate the app.
 */
export const pagesFolder = fp(async (app) => {
  await app.register(assetRoutes);
  await app.register(hostingRoutes);
  await app.register(accountPageRoutes);
  await app.register(analyticsScriptRoutes);
  await app.register(previewRoutes);
  await app.register(crawlingRoutes);
  await app.register(unsubscribePageRoutes);
  await app.register(photoRoutes);
}, { name: 'pages', dependencies: ['context', 'analytics'] });
