// vitest globalSetup of the integration tests: one DynamoDB Local (a JVM), one fauxqs (SQS) and
// one s3rver (S3) for the whole run, with one key pair. Each test file provisions its own prefixed tables, queues and buckets on
// them (see startTestStack), so files never see each other's data.
//
// Nothing outlives the run: teardown stops both; if vitest dies without teardown (SIGKILL, a crash),
// startDynamoDbLocal's watchdog kills the JVM and the others die with this process.
import type { TestProject } from 'vitest/node';
import { startEmulators, type EmulatorEndpoints } from '../../local/emulators.ts';

export type SharedEmulators = EmulatorEndpoints;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared emulators; absent when a file runs without this global setup. */
    emulators: SharedEmulators;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  const { dynamodbEndpoint, sqsEndpoint, s3Endpoint, credentials } = emulators;
  project.provide('emulators', { dynamodbEndpoint, sqsEndpoint, s3Endpoint, credentials });
  return async () => {
    await emulators.stop();
  };
}
