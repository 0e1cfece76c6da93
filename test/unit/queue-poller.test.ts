import { describe, expect, it } from 'vitest';
import type { SQSRecord } from 'aws-lambda';
import { failureCauses, outcomeOfBatch } from '../../local/queue-poller.ts';

const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SQSRecord);
const ids = (list: SQSRecord[]) => list.map((r) => r.messageId);

describe('the local poller reads a batch response as Lambda does', () => {
  it('deletes all but the reported failures', () => {
    const outcome = outcomeOfBatch(records, { batchItemFailures: [{ itemIdentifier: 'b' }] });
    expect(ids(outcome.succeeded)).toEqual(['a', 'c']);
    expect(ids(outcome.failed)).toEqual(['b']);
  });

  it('treats an empty response or empty failure list as success', () => {
    expect(ids(outcomeOfBatch(records, undefined).succeeded)).toEqual(['a', 'b', 'c']);
    expect(ids(outcomeOfBatch(records, { batchItemFailures: [] }).succeeded)).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['an unknown identifier', { batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a malformed list', { batchItemFailures: 'b' }],
    ['a string response', 'ok'],
  ])('fails the whole batch on %s', (_name, response) => {
    const outcome = outcomeOfBatch(records, response);
    expect(outcome.succeeded).toEqual([]);
    expect(ids(outcome.failed)).toEqual(['a', 'b', 'c']);
  });
});

describe('the local poller says why a batch failed', () => {
  it('gives each record error of a full batch failure, not "See individual errors below"', async () => {
    const { BatchProcessor, EventType, processPartialResponse } = await import('@aws-lambda-powertools/batch');
    const event = { Records: ['a', 'b'].map((messageId) => ({ messageId, body: '{}', attributes: {} }) as SQSRecord) };
    const failure = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        throw new Error(`table missing for ${record.messageId}`);
      },
      new BatchProcessor(EventType.SQS),
    ).catch((error: unknown) => error);
    expect(failureCauses(failure)).toEqual(['Error: table missing for a', 'Error: table missing for b']);
  });

  it('gives a plain error as it is, with its cause', () => {
    expect(failureCauses(new Error('socket hang up', { cause: new Error('ECONNRESET') }))).toEqual([
      'Error: socket hang up (cause: ECONNRESET)',
    ]);
  });
});

describe('the local poller runs as many batches at once as the mapping allows (topology maxConcurrency)', () => {
  it('reaches its concurrency and never passes it, handling every message once', async () => {
    const { CreateQueueCommand, SendMessageBatchCommand, SQSClient } = await import('@aws-sdk/client-sqs');
    const { startQueues } = await import('../../local/emulators.ts');
    const { startPoller } = await import('../../local/queue-poller.ts');
    const { newCredentials } = await import('../../local/credentials.ts');
    const queues = await startQueues();
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: queues.endpoint, credentials: newCredentials(), useQueueUrlAsEndpoint: false });
    const concurrency = 3;
    const messages = 24;
    let inFlight = 0;
    let most = 0;
    const handled: string[] = [];
    // Each invocation holds its slot until the test releases it, so the poller's bound is what limits it.
    const waiting: Array<() => void> = [];
    const poller = await (async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `concurrency-${Date.now()}` }));
      for (let i = 0; i < messages; i += 10) {
        await sqs.send(new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: Math.min(10, messages - i) }, (_, j) => ({ Id: String(j), MessageBody: String(i + j) })),
        }));
      }
      return startPoller({
        name: 'decideHospitalNotices',
        queueUrl: QueueUrl!,
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:concurrency',
        batchSize: 1,
        concurrency,
        sqs,
        handler: async (event) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise<void>((release) => waiting.push(release));
          inFlight--;
          handled.push(...(event as { Records: Array<{ body: string }> }).Records.map((r) => r.body));
        },
      });
    })();
    try {
      while (handled.length < messages) {
        // Release the held invocations only once the poller has filled its slots (or the queue ran short).
        await expect.poll(() => inFlight, { timeout: 15_000 }).toBe(Math.min(concurrency, messages - handled.length));
        for (const release of waiting.splice(0)) release();
        await expect.poll(() => inFlight < concurrency || handled.length === messages, { timeout: 15_000 }).toBe(true);
      }
      expect(most).toBe(concurrency);
      expect(handled.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: messages }, (_, i) => i));
    } finally {
      for (const release of waiting.splice(0)) release();
      await poller.stop();
      sqs.destroy();
      await queues.stop();
    }
  }, 60_000);
});
