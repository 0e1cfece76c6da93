// Each queue's consumer timeout, in seconds, declared once: the topology's queue-triggered
// functions take their timeoutSeconds from here, and leased steps (leaseMsFor, staleAfterMsFor)
// read it without bundling the topology's whole functions table (about 19 KiB and its load
// time in every queue worker: bench:cold-start, issue 14).
import type { QueueName } from './topology.ts';

/** Seconds each queue's consuming function may run (its Lambda timeout). */
export const consumerTimeoutSeconds = {
  recipientImports: 300,
  hospitalNotices: 30,
  applicationAssessments: 30,
  payoutPlans: 900,
  payoutChunks: 120,
  payoutFiles: 900,
  bankResults: 900,
} as const satisfies Record<QueueName, number>;
