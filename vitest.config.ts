import { defineConfig } from 'vitest/config';
import { baseTimeouts, scaled } from './test/support/timeouts.ts';

// Three groups (npm run test:unit, test:integration, test:infra; npm test runs all). Every test
// file not under test/unit or test/infra is an integration test, so a new folder is never skipped.
export default defineConfig({
  test: {
    // Deadlines bound how long a broken test takes to fail; TUODI_TEST_TIMEOUT_SCALE stretches them.
    testTimeout: scaled(baseTimeouts.test),
    hookTimeout: scaled(baseTimeouts.hook),
    pool: 'forks',
    // Two files at a time: integration files mostly wait on the emulators, which run beside them.
    maxWorkers: 2,
    // The functions' own logs; failures still show as ERROR lines.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', TUODI_AUDIT_LOG_LEVEL: 'SILENT' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/infra/**'],
          // One DynamoDB Local and one fauxqs for the run; each file provisions its own prefixed resources.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
