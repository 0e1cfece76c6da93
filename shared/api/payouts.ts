// The payout-batch routes' documentation: their requests (./requests/payouts.ts,
// ./requests/payout-reads.ts) with summaries and response schemas, which only the OpenAPI document loads.
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';
import { pageSchema } from '../http/schemas.ts';
import { payoutPrograms, paymentStatuses, batchStatuses } from '../domain/payouts/batch.ts';
import { recipientCategories } from '../domain/registry.ts';
import * as reads from './requests/payout-reads.ts';
import * as writes from './requests/payouts.ts';

export { createPayoutBatchSchema } from './requests/payouts.ts';
export type { NewPayoutBatch } from './requests/payouts.ts';
export { listPayoutBatchesQuerySchema } from './requests/payout-reads.ts';
export type { ListPayoutBatchesQuery } from './requests/payout-reads.ts';

const batchViewSchema = z.withMeta(z.object({
    id: z.string(),
    program: z.enum(payoutPrograms),
    period: z.string(),
    title: z.string(),
    categories: z.array(z.enum(recipientCategories)),
    perPersonFen: z.nullable(z.number().check(z.int())),
    status: z.enum(batchStatuses),
    planned: z.nullable(z.object({ count: z.number().check(z.int()), totalFen: z.number().check(z.int()) })),
    progress: z.object({ recorded: z.number().check(z.int()), failed: z.number().check(z.int()) }),
    files: z.withMeta(z.nullable(z.object({ csvUrl: z.string(), pain001Url: z.string() })), {
      description: "The bank files of a batch written as one file of each format. null before PAID_OUT, and for a batch above the payer bank's per-file limit: its files are in `fileParts`.",
    }),
    fileParts: z.withMeta(
      z.nullable(
        z.array(
          z.object({
            part: z.number().check(z.int(), z.minimum(1)),
            messageId: z.withMeta(z.string(), { description: "The pain.001's MsgId: the batch id for a one-part batch, `<batchId>-<part>` otherwise; a pain.002 names it as OrgnlMsgId." }),
            count: z.number().check(z.int()),
            totalFen: z.number().check(z.int()),
            csvUrl: z.string(),
            pain001Url: z.string(),
          }),
        ),
      ),
      {
        description:
          "Every part of the bank files in order (presigned, 15 minutes), each a complete CSV and pain.001 with its own MsgId, NbOfTxs and CtrlSum; a batch above the payer bank's per-file limit (`maxPaymentsPerFile`) has several, and then `files` is null. null before PAID_OUT. Addition to the contract.",
      },
    ),
    skipped: z.withMeta(z.nullable(z.object({ alreadyPlannedOrPaid: z.number().check(z.int()), noBankAccount: z.number().check(z.int()), overCeiling: z.optional(z.number().check(z.int())) })), { description: 'Selected but left out of this batch, and why.' }),
    reconciliation: z.nullable(z.object({ settled: z.number().check(z.int()), returned: z.number().check(z.int()), pending: z.number().check(z.int()) })),
    failureReason: z.nullable(z.string()),
    createdBy: z.string(),
    approvedBy: z.nullable(z.string()),
    retriedBy: z.withMeta(z.nullable(z.string()), { description: 'Who asked for the last retry: like the maker, they may not approve it. Addition to the contract.' }),
    history: z.array(z.object({ at: z.string(), by: z.string(), action: z.string(), reason: z.string() })),
  }), { id: 'PayoutBatch' });

export const createPayoutBatch = defineOperation({
  ...writes.createPayoutBatch,
  summary: 'Prepare a payout batch (the maker); planning runs in the background.',
  description:
    'Selects the ACTIVE recipients of the categories (for ONE_OFF_GRANTS: the granted, unpaid grants) and leaves out anyone already planned or paid for the same program and period. PLANNING, then PENDING_APPROVAL with `planned`.',
  responses: {
    201: { description: 'Created', schema: z.object({ id: z.string(), status: z.literal('PLANNING') }) },
  },
});

export const approvePayoutBatch = defineOperation({
  ...writes.approvePayoutBatch,
  summary: 'Approve a planned batch (the checker: never its creator); paying starts.',
  responses: {
    202: { description: 'Paying', schema: z.object({ id: z.string(), status: z.literal('PAYING') }) },
  },
});

export const getPayoutBatch = defineOperation({
  ...reads.getPayoutBatch,
  summary: 'A batch with its plan, progress, bank files (presigned, 15 minutes) and reconciliation.',
  responses: { 200: { description: 'The batch', schema: batchViewSchema } },
});

const batchSummarySchema = z.withMeta(z.object({
    id: z.string(),
    program: z.enum(payoutPrograms),
    period: z.string(),
    title: z.string(),
    status: z.enum(batchStatuses),
    planned: z.nullable(z.object({ count: z.number().check(z.int()), totalFen: z.number().check(z.int()) })),
    reconciliation: z.nullable(z.object({ settled: z.number().check(z.int()), returned: z.number().check(z.int()), pending: z.number().check(z.int()) })),
    createdBy: z.string(),
    createdAt: z.string(),
    approvedBy: z.nullable(z.string()),
  }), { id: 'PayoutBatchSummary' });

export const listPayoutBatches = defineOperation({
  ...reads.listPayoutBatches,
  summary: 'Payout batches, newest period first, filtered by status, program and period (addition to the contract).',
  description:
    'Within a period, the newest batch first. A query on an index (status, or every batch), never a scan. With `program`, a page may hold fewer than `limit` items while `nextToken` is not null: keep going until it is.',
  responses: { 200: { description: 'A page of batches', schema: pageSchema(batchSummarySchema) } },
});

const paymentNextSchema = z.withMeta(z.object({
    state: z.enum(['READY', 'PLANNED_AGAIN']),
    batchId: z.withMeta(z.nullable(z.string()), { description: 'PLANNED_AGAIN: the later batch holding the claim now.' }),
  }), {
    id: 'PaymentNext',
    description:
      'On each item of `status=RETURNED` (addition to the contract). READY: the return released the claim for (program, period, payee) and no batch holds it, so the next batch of the same program and period plans this payee (if still ACTIVE in its categories, with a bank account; ONE_OFF_GRANTS: any later ONE_OFF_GRANTS batch). PLANNED_AGAIN: a later batch holds it.',
  });

export const listPayments = defineOperation({
  ...reads.listPayments,
  summary: "A batch's payments; with status=RETURNED, the returned payees and whether the next batch will pay them.",
  description:
    "With `status=RETURNED` (addition to the contract): read from a sparse index that holds returned payments only, oldest return first, each with `returnedAt` and `next`; otherwise in endToEndId order. Every item also carries the payee's `name` and masked account as the bank file had them (addition).",
  responses: {
    200: {
      description: 'A page of payments',
      schema: pageSchema(
        z.withMeta(z.object({
            endToEndId: z.string(),
            recipientId: z.withMeta(z.string(), { description: 'The payee: a recipientId, a grant id (ONE_OFF_GRANTS) or a hospital id (HOSPITAL_REIMBURSEMENT).' }),
            name: z.withMeta(z.string(), { description: 'The creditor name the bank file carries. Addition to the contract.' }),
            bankName: z.withMeta(z.string(), { description: 'Addition to the contract.' }),
            bankAccountMasked: z.withMeta(z.string(), { description: 'All but the last 4 digits masked. Addition to the contract.' }),
            amountFen: z.number().check(z.int()),
            status: z.enum(paymentStatuses),
            returnReason: z.optional(z.string()),
            returnedAt: z.optional(z.string()),
            next: z.optional(paymentNextSchema),
          }), { id: 'PayoutPayment' }),
      ),
    },
  },
});

const reportViewSchema = z.withMeta(z.object({
    reportId: z.string(),
    status: z.enum(['APPLYING', 'APPLIED', 'FAILED']),
    format: z.enum(['pain.002', 'csv']),
    entries: z.number().check(z.int()),
    settled: z.nullable(z.number().check(z.int())),
    returned: z.nullable(z.number().check(z.int())),
    alreadyApplied: z.nullable(z.number().check(z.int())),
    unknownEndToEndIds: z.withMeta(z.array(z.string()), { description: 'Ids in the report that are not payments of this batch (the first 1,000).' }),
    unknownCount: z.nullable(z.number().check(z.int())),
    problems: z.array(z.object({ where: z.string(), message: z.string() })),
    encoding: z.withMeta(z.nullable(z.string()), { description: 'The encoding the report was read in (UTF-8, UTF-16LE/BE, GB18030). Addition to the contract.' }),
    receivedAt: z.string(),
    receivedBy: z.string(),
    wholeFileRejection: z.withMeta(z.boolean(), { description: 'A pain.002 rejecting the whole file (group status RJCT, no transactions): POST .../return-all applies it.' }),
    returnAll: z.withMeta(
      z.nullable(
        z.object({
          at: z.string(),
          by: z.string(),
          reason: z.string(),
          part: z.withMeta(
            z.optional(z.object({ part: z.number().check(z.int()), messageId: z.string(), firstEndToEndId: z.string(), lastEndToEndId: z.string() })),
            { description: 'For a batch written in several parts: the part the report rejected (its OrgnlMsgId), whose payments alone were returned. Addition to the contract.' },
          ),
        }),
      ),
      { description: 'Who applied it as every payment returned, when and why.' },
    ),
  }), { id: 'BankReport' });

export const postBankResults = defineOperation({
  ...writes.postBankResults,
  summary: "Reconcile the bank's status report: ISO 20022 pain.002 XML or CSV endToEndId,status,reason.",
  description:
    'ACSC/ACCC settle a payment, RJCT returns it (a returned payment may be paid again in a later batch for the same program and period). The batch is RECONCILED when no payment is pending. Unknown endToEndIds are reported on GET .../bank-results/{reportId}.',
  responses: {
    202: {
      description: 'Stored; being applied',
      schema: z.object({ reportId: z.string(), status: z.literal('APPLYING'), entries: z.number().check(z.int()) }),
    },
  },
});

export const getBankResults = defineOperation({
  ...reads.getBankResults,
  summary: 'How a bank status report was applied.',
  responses: { 200: { description: 'The report', schema: reportViewSchema } },
});
