// The one way a message is queued: checked against its queue's schema (shared/queue/messages.ts)
// before it leaves, so a producer cannot send what the consumer would refuse.
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseQueueMessage, type QueueMessage } from '../queue/messages.ts';
import type { QueueName } from '../topology.ts';
import { sqs } from './clients.ts';
import { queueUrl } from './resources.ts';

/** Queues one message. Throws if it does not match the queue's schema or SQS refuses it. */
export async function send<Q extends QueueName>(queue: Q, message: QueueMessage<Q>): Promise<void> {
  const body = JSON.stringify(parseQueueMessage(queue, message));
  await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl(queue), MessageBody: body }));
}

/** Queues many messages, ten to a SendMessageBatch call. Throws if any was not sent. */
export async function sendAll<Q extends QueueName>(queue: Q, messages: readonly QueueMessage<Q>[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((message, i) => ({
      Id: String(start + i),
      MessageBody: JSON.stringify(parseQueueMessage(queue, message)),
    }));
    const result = await sqs().send(new SendMessageBatchCommand({ QueueUrl: queueUrl(queue), Entries: entries }));
    if (result.Failed?.length) throw new Error(`${result.Failed.length} of ${entries.length} ${queue} messages were not sent`);
  }
}

/**
 * Makes a received message visible again `seconds` from now (ChangeMessageVisibility on its
 * receipt handle): a consumer's own trigger queue only (on AWS the event source's consume grant
 * allows it; locally grant-guard.ts does the same).
 */
export async function visibleAgainIn(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
  await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl(queue), ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
}
