import { describe, expect, it } from 'vitest';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';

const record = (messageId: string, body: object): SQSRecord =>
  ({ messageId, body: JSON.stringify(body), attributes: { ApproximateReceiveCount: '1' } }) as unknown as SQSRecord;
const context = { functionName: 'tuodi-test', awsRequestId: 'r', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('a queue worker invoked concurrently (the local runtime runs one function several times at once)', () => {
  it('reports each invocation its own failures: a failure is never lost to, or blamed on, another batch', async () => {
    let releaseSlowFailure!: () => void;
    const slowFailureMayThrow = new Promise<void>((resolve) => (releaseSlowFailure = resolve));
    const handler = sqsWorker(z.object({ outcome: z.enum(['slow-failure', 'success']) }), async (message) => {
      if (message.outcome === 'slow-failure') {
        await slowFailureMayThrow;
        throw new Error('the write failed');
      }
    });

    const first = handler({ Records: [record('m-fails', { outcome: 'slow-failure' }), record('m-ok-1', { outcome: 'success' })] } as SQSEvent, context);
    // The second invocation starts and ends while the first still waits on its failing record.
    const second = await handler({ Records: [record('m-ok-2', { outcome: 'success' })] } as SQSEvent, context);
    releaseSlowFailure();

    expect(second).toEqual({ batchItemFailures: [] });
    expect(await first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-fails' }] });
  });
});
