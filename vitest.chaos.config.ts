import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The chaos suite (npm run chaos): minutes long, so not part of the default test run. */
export default defineConfig({
  test: { ...base.test, include: ['test/chaos/**/*.chaos.ts'], silent: false, testTimeout: 900_000 },
});
