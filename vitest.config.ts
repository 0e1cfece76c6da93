import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { baseTimeouts, scaled } from './test/support/timeouts.ts';

const testFiles = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `${folder}/${file}`);
const calls = (pattern: RegExp) => (file: string) => pattern.test(readFileSync(file, 'utf8'));

/** The unit and infra test files that call vi.mock, found by reading them (no list to keep). */
const mockingFiles = ['test/unit', 'test/infra'].flatMap(testFiles).filter(calls(/\bvi\.mock\(/));
const integrationFiles = testFiles('test').filter((file) => !/^test\/(unit|infra)\//.test(file));
/**
 * Integration files that own their emulators (startLocalStack, `ownEmulators`, a child `npm start`)
 * or replace a module: the SDK clients are built once per process, so a shared process would keep
 * the first file's endpoints and modules.
 */
const ownStackFiles = integrationFiles.filter(calls(/\bvi\.mock\(|\bstartLocalStack\(|\bownEmulators\b|\bspawn\(/));

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
      // Integration files share their worker's modules too (the local stack, every handler, the SDK):
      // each file still starts its own prefixed tables, queues and buckets on the run's emulators,
      // and the module-level caches are keyed by table or secret value, not held per process.
      ...[false, true].map((ownStack) => ({
        extends: true as const,
        test: {
          name: ownStack ? 'integration-isolated' : 'integration',
          include: ownStack ? ownStackFiles : integrationFiles.filter((file) => !ownStackFiles.includes(file)),
          isolate: ownStack,
          // One DynamoDB Local and one fauxqs for the run; each file provisions its own prefixed resources.
          globalSetup: ['test/support/global-setup.ts'],
        },
      })),
    ],
  },
});
