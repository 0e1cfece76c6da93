// Operator actions on payout batches (see shared/usecases/payout-operator-actions.ts for the rules).
// Every one is audited on the batch's history: who (the token's subject), when, and the reason given.
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';
import * as requests from './requests/payout-operator-actions.ts';

export { operatorReasonSchema, retryPayoutBatchSchema } from './requests/payout-operator-actions.ts';

const actionResult = (status: z.core.$ZodType) =>
  z.object({
    id: z.string(),
    status,
    claimsReleased: z.withMeta(z.optional(z.number().check(z.int())), { description: 'Claims released by this action (the people may be planned again for the program and period).' }),
  });

export const rejectPayoutBatch = defineOperation({
  ...requests.rejectPayoutBatch,
  summary: 'The checker refuses a planned batch: REJECTED, its claims released.',
  description: 'Only PENDING_APPROVAL; never by the officer who prepared (or retried) the batch (403). Recorded with who, when and the reason.',
  responses: { 200: { description: 'Rejected', schema: actionResult(z.literal('REJECTED')) } },
});

export const cancelPayoutBatch = defineOperation({
  ...requests.cancelPayoutBatch,
  summary: 'End a batch whose bank files have not been released: CANCELLED, its claims released.',
  description:
    "From PENDING_APPROVAL, PAYING or FAILED. A PAID_OUT or RECONCILED batch is 409: its money comes back only through the bank's status report. Recorded with who, when and the reason.",
  responses: { 200: { description: 'Cancelled', schema: actionResult(z.literal('CANCELLED')) } },
});

export const retryPayoutBatch = defineOperation({
  ...requests.retryPayoutBatch,
  summary: 'Re-run the failed step of a FAILED batch; it then needs approval again.',
  description:
    'Failed in planning: back to PLANNING (then PENDING_APPROVAL). Failed after approval (paying or bank files): the excluded payments are removed and their claims released, the plan is recomputed and the batch is PENDING_APPROVAL again; approving it re-runs paying and the bank files. Neither the maker nor whoever asked for the retry may approve it (403).',
  responses: { 200: { description: 'Retried', schema: actionResult(z.enum(['PLANNING', 'PENDING_APPROVAL'])) } },
});

export const returnWholeFile = defineOperation({
  ...requests.returnWholeFile,
  summary: "Apply a bank report that rejects the whole file as every payment returned.",
  description:
    "For a PAID_OUT batch and a stored report that is a pain.002 with group status RJCT, no transactions, and this batch's id as OrgnlMsgId (GET .../bank-results/{reportId} shows wholeFileRejection). Every RECORDED payment becomes RETURNED with the reason and its claim is released, in the background; the batch is then RECONCILED. Once per report.",
  responses: {
    202: { description: 'Being applied', schema: z.object({ reportId: z.string(), status: z.literal('APPLYING') }) },
  },
});
