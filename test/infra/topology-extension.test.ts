// Adding to the topology must need no infra change: a topology grown by a table with an index,
// a queue whose consumer takes big batches and a scheduled job still synthesizes, passes
// cdk-nag and gets its resources.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildStack } from './support.ts';

vi.mock('../../shared/topology.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/topology.ts')>();
  const tables = {
    ...original.tables,
    auditLog: {
      partitionKey: { name: 'caseId', type: 'S' },
      sortKey: { name: 'at', type: 'N' },
      globalSecondaryIndexes: [{ indexName: 'byActor', partitionKey: { name: 'actor', type: 'S' } }],
    },
  };
  const queues = { ...original.queues, notifications: { maxReceiveCount: 5 } };
  const functions = {
    ...original.functions,
    sendNotifications: {
      entry: 'functions/send-notifications/handler.ts',
      trigger: { type: 'queue', queue: 'notifications', batchSize: 50 },
      timeoutSeconds: 20,
      memoryMiB: 256,
      access: { tables: { auditLog: 'read' } },
    } as const,
    nightlyReport: {
      entry: 'functions/nightly-report/handler.ts',
      trigger: { type: 'schedule', job: 'nightly-report', schedule: 'cron(0 18 * * ? *)' },
      timeoutSeconds: 60,
      memoryMiB: 512,
      access: {
        tables: { auditLog: { operations: ['get', 'put'], queryIndexes: ['byActor'] } },
        buckets: { exports: [{ prefix: 'public-notices/', operations: ['put'] }] },
      },
    } as const,
  };
  // The original helper only knows the original functions.
  const visibilityTimeoutSeconds = (queue: string): number => {
    const consumer = Object.values(functions).find((f) => f.trigger.type === 'queue' && f.trigger.queue === queue);
    if (!consumer) throw new Error(`no consumer for ${queue}`);
    return consumer.timeoutSeconds * original.visibilityTimeoutFactor;
  };
  return { ...original, tables, queues, functions, visibilityTimeoutSeconds };
});

const built = buildStack();
let synthError: unknown;
beforeAll(() => {
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
});
afterAll(() => built.cleanup());

describe('a grown topology', () => {
  it('passes cdk-nag without new acknowledgements in infra/', () => {
    expect(synthError).toBeUndefined();
  });

  it('gets the new table with its sort key and index', () => {
    built.template().hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'caseId', KeyType: 'HASH' },
        { AttributeName: 'at', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byActor' })],
    });
  });

  it('gets the new queue, its DLQ and a batching window for batches above 10', () => {
    built.template().hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 20 * 6,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
    });
    expect(built.stack.deadLetterQueues).toHaveProperty('notifications');
    built.template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: Match.anyValue(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // No bound named: the conservative default.
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('gets an EventBridge rule passing the job to the scheduled function', () => {
    built.template().hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 18 * * ? *)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ job: 'nightly-report' }) })],
    });
  });
});
