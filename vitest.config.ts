import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start emulators (DynamoDB Local is a JVM): give set-up room.
    hookTimeout: 120_000,
    testTimeout: 60_000,
    pool: 'forks',
    // The functions' own logs; failures still show as ERROR lines.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
