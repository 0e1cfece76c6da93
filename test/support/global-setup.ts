// vitest globalSetup of the integration tests: one DynamoDB Local (a JVM), one fauxqs (SQS) and
// one s3rver (S3) for the whole run, with one key pair. Each test file provisions its own prefixed tables, queues and buckets on
// them (see startTestStack), so files never see each other's data.
//
// vitest runs every global setup before any test file, so this one does not wait for the JVM to
// answer (seconds when quiet, a minute when loaded): the unit and infra files run meanwhile, and an
// integration file waits for `dynamodbStatusFile` to say "ready" before its first call.
//
// Nothing outlives the run: teardown stops all three; if vitest dies without teardown (SIGKILL, a crash),
// launchDynamoDbLocal's watchdog kills the JVM and the others die with this process.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { launchEmulators, type EmulatorEndpoints } from '../../local/emulators.ts';

export interface SharedEmulators extends EmulatorEndpoints {
  /** A file that holds `ready` once DynamoDB Local answers, or `failed` and why; absent until then. */
  dynamodbStatusFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared emulators; absent when a file runs without this global setup. */
    emulators: SharedEmulators;
  }
}

interface Started {
  context: SharedEmulators;
  stop: () => Promise<void>;
  projects: number;
}

// Both integration projects (shared modules and isolated) name this setup, and vitest runs a
// project's global setup per project: the second gets the first's emulators, the last stops them.
const run = globalThis as { tuodiEmulators?: Promise<Started> };

async function launch(): Promise<Started> {
  const emulators = await launchEmulators();
  const statusDir = mkdtempSync(join(tmpdir(), 'tuodi-emulators-'));
  const dynamodbStatusFile = join(statusDir, 'dynamodb');
  const { dynamodbEndpoint, sqsEndpoint, s3Endpoint, credentials } = emulators;
  let tornDown = false;
  // Written whole under another name and renamed, so a reader never sees half a status.
  const writeStatus = (text: string) => {
    // A run that ends before the JVM answered stops it: nobody is left to read why.
    if (tornDown) return;
    writeFileSync(`${dynamodbStatusFile}.partial`, text);
    renameSync(`${dynamodbStatusFile}.partial`, dynamodbStatusFile);
  };
  emulators.dynamodbReady.then(
    () => writeStatus('ready'),
    (error: Error) => writeStatus(`failed: ${error.message}`),
  );
  return {
    context: { dynamodbEndpoint, sqsEndpoint, s3Endpoint, credentials, dynamodbStatusFile },
    projects: 0,
    stop: async () => {
      tornDown = true;
      await emulators.stop();
      rmSync(statusDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  run.tuodiEmulators ??= launch();
  const started = await run.tuodiEmulators;
  started.projects += 1;
  project.provide('emulators', started.context);
  return async () => {
    started.projects -= 1;
    if (started.projects > 0) return;
    run.tuodiEmulators = undefined;
    await started.stop();
  };
}
