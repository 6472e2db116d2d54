import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: torture, crash, fuzz, card-data, authorization, webhook, abuse and
 * security-header tests (docs/reliability.md). Separate from `npm test`: they take minutes and
 * load the machine. Files run one at a time so that each part has the two cores to itself.
 */
export default defineConfig({
  test: {
    // The engine checks the rows it holds against the database (src/services/collection-rows.ts).
    env: { TENDER_SELF_CHECK: '1' },
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    // The second setup prints the summary table of every part when the run ends.
    globalSetup: ['test/global-setup.ts', 'test/reliability/support/summary-setup.ts'],
  },
});
