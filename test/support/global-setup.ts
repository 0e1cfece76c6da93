// vitest globalSetup of the integration tests: one DynamoDB Local (a JVM) and one fauxqs (SQS and
// S3) for the whole run. Each test file provisions its own prefixed tables, queues and buckets on
// them (see startTestStack), so files never see each other's data.
//
// Nothing outlives the run: teardown stops both; if vitest dies without teardown (SIGKILL, a crash),
// startDynamoDbLocal's watchdog kills the JVM and fauxqs dies with this process.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startFauxqsServer } from '../../local/emulators.ts';

export interface SharedEmulators {
  dynamodbEndpoint: string;
  sqsS3Endpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared emulators; absent when a file runs without this global setup. */
    emulators: SharedEmulators;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer()]);
  project.provide('emulators', { dynamodbEndpoint: dynamodb.endpoint, sqsS3Endpoint: fauxqs.endpoint });
  return async () => {
    await Promise.allSettled([fauxqs.stop(), dynamodb.stop()]);
  };
}
