import { describe, expect, it } from 'vitest';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { parseQueueMessage, queueMessages } from '../../shared/queue/messages.ts';
import { queues } from '../../shared/topology.ts';

const record = (messageId: string, body: object, receiveCount = 1): SQSRecord =>
  ({ messageId, body: JSON.stringify(body), attributes: { ApproximateReceiveCount: String(receiveCount) } }) as unknown as SQSRecord;
const context = { functionName: 'tuodi-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('a queue worker invoked concurrently (the local runtime runs one function several times at once)', () => {
  it('reports each invocation its own failures: a failure is never lost to, or blamed on, another batch', async () => {
    let releaseSlowFailure!: () => void;
    const slowFailureMayThrow = new Promise<void>((resolve) => (releaseSlowFailure = resolve));
    const handler = sqsWorker('hospitalNotices', async (message) => {
      if (message.id === 'slow-failure') {
        await slowFailureMayThrow;
        throw new Error('the write failed');
      }
    });

    const first = handler({ Records: [record('m-fails', { id: 'slow-failure' }), record('m-ok-1', { id: 'success' })] } as SQSEvent, context);
    // The second invocation starts and ends while the first still waits on its failing record.
    const second = await handler({ Records: [record('m-ok-2', { id: 'success' })] } as SQSEvent, context);
    releaseSlowFailure();

    expect(second).toEqual({ batchItemFailures: [] });
    expect(await first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-fails' }] });
  });
});

describe('queue messages are contracts (shared/queue/messages.ts)', () => {
  it('has one schema for every queue in the topology', () => {
    expect(Object.keys(queueMessages).sort()).toEqual(Object.keys(queues).sort());
  });

  it('fails only the malformed record, with an error naming the queue and the field, and never hands it to the use case', async () => {
    const handled: unknown[] = [];
    const gaveUp: string[] = [];
    const handler = sqsWorker('payoutChunks', async (message) => void handled.push(message), {
      onLastReceive: async (_message, reason) => void gaveUp.push(reason),
    });
    const result = await handler(
      {
        Records: [
          record('m-bad', { kind: 'chunk', batchId: 'pb_1', chunk: -1 }, queues.payoutChunks.maxReceiveCount),
          record('m-good', { kind: 'chunk', batchId: 'pb_1', chunk: 2 }),
        ],
      } as SQSEvent,
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(handled).toEqual([{ kind: 'chunk', batchId: 'pb_1', chunk: 2 }]);
    // Nothing to write a reason on: the message never parsed.
    expect(gaveUp).toEqual([]);
    expect(() => parseQueueMessage('payoutChunks', { kind: 'chunk', batchId: 'pb_1', chunk: -1 })).toThrow(/^malformed payoutChunks message: chunk: /);
    expect(() => parseQueueMessage('bankResults', { kind: 'report', batchId: 'pb_1' })).toThrow(/malformed bankResults message: reportId: /);
    expect(() => parseQueueMessage('payoutFiles', { kind: 'plan', batchId: 'pb_1' })).toThrow(/malformed payoutFiles message: kind: /);
  });
});

describe('a failed receive before the last (onEarlierReceiveFailed)', () => {
  it('is told of the failure on earlier receives only, and its own failure never changes the outcome', async () => {
    const told: Array<[string, number]> = [];
    const gaveUp: string[] = [];
    const handler = sqsWorker(
      'payoutPlans',
      async (message) => {
        if (message.batchId === 'pb_ok') return;
        throw Object.assign(new Error('too long waiting for a lock'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
      },
      {
        onLastReceive: async (_message, reason) => void gaveUp.push(reason),
        onEarlierReceiveFailed: async (failed, error, receiveCount) => {
          told.push([`${failed.messageId}: ${(error as Error).name}`, receiveCount]);
          throw new Error('ChangeMessageVisibility refused');
        },
      },
    );
    const last = queues.payoutPlans.maxReceiveCount;
    const result = await handler(
      { Records: [record('m-first', { kind: 'plan', batchId: 'pb_1' }, 1), record('m-last', { kind: 'plan', batchId: 'pb_2' }, last), record('m-ok', { kind: 'plan', batchId: 'pb_ok' }, 1)] } as SQSEvent,
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-first' }, { itemIdentifier: 'm-last' }] });
    expect(told).toEqual([['m-first: InternalServerError', 1]]);
    expect(gaveUp).toEqual(['too long waiting for a lock']);
  });
});
