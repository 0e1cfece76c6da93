// The message each queue carries: one zod schema per queue, shared by the producers (`send`, in
// shared/adapters/queue.ts) and the consumer (`sqsWorker(queue, …)`). A queue carrying several
// kinds of message is a discriminated union on `kind`: a new kind is one more entry in its list.
// Plain schemas, no runtime imports but zod (the OpenAPI script and the domain may load it).
import * as z from '../zod-mini.ts';
import type { QueueName } from '../topology.ts';

const id = z.string().check(z.minLength(1));
const batchId = id;

export const queueMessages = {
  /** An accepted registry import to check and write (shared/usecases/registry-import.ts). */
  recipientImports: z.object({ importId: id }),
  /** A hospital notice to decide (shared/usecases/hospital-notices.ts). */
  hospitalNotices: z.object({ id }),
  /** A submitted application to assess (shared/usecases/application-workers.ts). */
  applicationAssessments: z.object({ id }),
  /** A payout batch to plan (fanned out into segments), or one segment of it to plan. */
  payoutPlans: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('plan'), batchId }),
    z.object({ kind: z.literal('planSegment'), batchId, segment: z.int().check(z.minimum(0)) }),
  ]),
  /** An approved batch to split into chunks (`dispatch`), or one chunk of its payments to record. */
  payoutChunks: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('dispatch'), batchId }),
    z.object({ kind: z.literal('chunk'), batchId, chunk: z.int().check(z.nonnegative()) }),
  ]),
  /** A paid batch whose bank files (CSV and pain.001) are to be written. */
  payoutFiles: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('files'), batchId }),
  ]),
  /** An uploaded bank status report to apply to the batch's payments. */
  bankResults: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('report'), batchId, reportId: id }),
  ]),
} as const satisfies Record<QueueName, z.ZodMiniType>;

/** The message a queue carries, as a producer writes it and the consumer receives it. */
export type QueueMessage<Q extends QueueName> = z.output<(typeof queueMessages)[Q]>;

/** Any payout step's message (the payout workers share how a step gives up). */
export type PayoutStepMessage = QueueMessage<'payoutPlans' | 'payoutChunks' | 'payoutFiles' | 'bankResults'>;

/**
 * The message parsed against its queue's schema. Throws an Error naming the queue and the field at
 * fault: a malformed message fails its own record, never silently does nothing.
 */
export function parseQueueMessage<Q extends QueueName>(queue: Q, body: unknown): QueueMessage<Q> {
  const result = queueMessages[queue].safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`).join('; ');
    throw new Error(`malformed ${queue} message: ${problems}`);
  }
  return result.data as QueueMessage<Q>;
}
