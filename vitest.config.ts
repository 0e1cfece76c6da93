import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { baseTimeouts, scaled } from './test/support/timeouts.ts';

/** The unit and infra test files that call vi.mock, found by reading them (no list to keep). */
const mockingFiles = ['unit', 'infra'].flatMap((group) =>
  readdirSync(`test/${group}`, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/${group}/${file}`)
    .filter((file) => /\bvi\.mock\(/.test(readFileSync(file, 'utf8'))),
);

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
      // Unit and infra files share their worker's module cache (isolate: false): most of their time
      // was importing zod, the SDK and aws-cdk-lib again for every file. A file that replaces a module
      // with vi.mock runs isolated: a module another file loaded first would keep the real one.
      ...(['unit', 'infra'] as const).flatMap((group) => [
        { extends: true as const, test: { name: group, include: [`test/${group}/**/*.test.ts`], exclude: mockingFiles, isolate: false } },
        { extends: true as const, test: { name: `${group}-isolated`, include: mockingFiles.filter((file) => file.startsWith(`test/${group}/`)) } },
      ]),
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
