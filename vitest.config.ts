import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The engine checks the rows it holds against the database (src/services/collection-rows.ts).
    env: { TENDER_SELF_CHECK: '1' },
    include: ['test/**/*.test.ts'],
    // The reliability suite has its own config and command (npm run test:reliability).
    exclude: [...configDefaults.exclude, 'test/reliability/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are heavy (WASM, ~100 MB each); two workers fit the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
