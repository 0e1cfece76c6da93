// Polls a queue as Lambda's SQS event source mapping does: batches of up to the configured
// size, ReportBatchItemFailures semantics (a throw, a malformed response, or an empty or unknown
// itemIdentifier fails the whole batch), failures left to reappear after the visibility timeout,
// and the queue's redrive policy moving them to the DLQ after maxReceiveCount receives.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionName } from '../shared/topology.ts';
import { lambdaContext, type Handler } from './lambda-runtime.ts';
import { localRegion } from './provision.ts';

export interface PollerOptions {
  name: FunctionName;
  handler: Handler;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  /** Most batches handled at once: the mapping's maximum concurrency (topology `maxConcurrency`). */
  concurrency: number;
  sqs: SQSClient;
  onError?: (message: string) => void;
}

export interface Poller {
  stop(): Promise<void>;
}

export function outcomeOfBatch(records: SQSRecord[], response: unknown): { succeeded: SQSRecord[]; failed: SQSRecord[] } {
  const all = { succeeded: [] as SQSRecord[], failed: records };
  if (response === undefined || response === null) return { succeeded: records, failed: [] };
  if (typeof response !== 'object') return all;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { succeeded: records, failed: [] };
  if (!Array.isArray(failures)) return all;
  const ids = new Set(records.map((r) => r.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return all;
    failedIds.add(id);
  }
  return {
    succeeded: records.filter((r) => !failedIds.has(r.messageId)),
    failed: records.filter((r) => failedIds.has(r.messageId)),
  };
}

/**
 * Why a batch failed, one line per cause: Powertools' FullBatchFailureError says only "See
 * individual errors below" and carries each record's error in recordErrors.
 */
export function failureCauses(error: unknown): string[] {
  const recordErrors = (error as { recordErrors?: unknown })?.recordErrors;
  if (Array.isArray(recordErrors) && recordErrors.length > 0) return recordErrors.map((e) => causeOf(e));
  return [causeOf(error)];
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: localRegion,
  };
}

/**
 * Polls like an event source mapping with a maximum concurrency: one receiver asks for a batch
 * only while fewer than `concurrency` batches are being handled (so no message's visibility
 * timeout runs while it waits for a slot), and each batch is handed to its own invocation.
 * Idle, a queue holds one long poll, however high its concurrency.
 */
export function startPoller(options: PollerOptions): Poller {
  let stopping = false;
  const abort = new AbortController();
  const running = new Set<Promise<void>>();

  async function receiveBatch(): Promise<Message[]> {
    const messages: Message[] = [];
    // Fill the batch with further receives while messages keep coming, like a batching window of zero.
    while (messages.length < options.batchSize && !stopping) {
      const response = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
          WaitTimeSeconds: messages.length === 0 ? 20 : 0,
          MessageSystemAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      );
      const received = response.Messages ?? [];
      messages.push(...received);
      if (received.length === 0) break;
    }
    return messages;
  }

  async function invoke(messages: Message[]): Promise<void> {
    const records = messages.map((m) => toRecord(m, options.queueArn));
    const event: SQSEvent = { Records: records };
    let response: unknown;
    let threw = false;
    try {
      response = await options.handler(event, lambdaContext(options.name));
    } catch (error) {
      threw = true;
      const causes = failureCauses(error);
      options.onError?.(
        `${options.name}: batch of ${records.length} failed:${causes.map((cause) => `\n  - ${cause}`).join('')}`,
      );
    }
    const { succeeded, failed } = threw ? { succeeded: [], failed: records } : outcomeOfBatch(records, response);
    if (!threw && failed.length > 0) {
      // The worker logs each record's cause as it fails (sqs-worker.ts); this says which were retried.
      options.onError?.(
        `${options.name}: ${failed.length} of ${records.length} records failed and will be received again: ${failed
          .map((r) => `${r.messageId} (receive ${r.attributes.ApproximateReceiveCount})`)
          .join(', ')}`,
      );
    }
    try {
      for (let i = 0; i < succeeded.length; i += 10) {
        await options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: succeeded.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    } catch (error) {
      // Not deleted: the messages come back after the visibility timeout, as on Lambda.
      if (!stopping) options.onError?.(`${options.name}: delete failed: ${(error as Error).message}`);
    }
  }

  async function receiver(): Promise<void> {
    while (!stopping) {
      if (running.size >= options.concurrency) {
        await Promise.race(running);
        continue;
      }
      let messages: Message[];
      try {
        messages = await receiveBatch();
      } catch (error) {
        if (stopping) return;
        options.onError?.(`${options.name}: receive failed: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length === 0) continue;
      const invocation: Promise<void> = invoke(messages)
        .catch((error: Error) => options.onError?.(`${options.name}: ${error.message}`))
        .finally(() => running.delete(invocation));
      running.add(invocation);
    }
  }

  const receiving = receiver();
  return {
    stop: async () => {
      stopping = true;
      abort.abort();
      await receiving.catch(() => undefined);
      await Promise.allSettled([...running]);
    },
  };
}
