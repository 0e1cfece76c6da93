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
