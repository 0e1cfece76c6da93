// What the operator actions on payout batches accept and who may call them (their handlers import
// this; the documentation is in ../payout-operator-actions.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';

const idPath = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
const reasonSchema = z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(2000, 'is longer than 2000 characters'));

export const operatorReasonSchema = z.withMeta(z.object({ reason: reasonSchema }), { id: 'OperatorReason', example: { reason: '补贴标准调整，本批作废' } });

export const retryPayoutBatchSchema = z.withMeta(z.object({
    reason: reasonSchema,
    excludeEndToEndIds: z.withMeta(z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(1000, 'exclude at most 1000 payments in one retry'))), { description: "Payments to leave out (their recipients' claims are released); only for a batch that failed after approval." }),
  }), { id: 'PayoutBatchRetry', example: { reason: '账户信息有误的两笔剔除后重新生成', excludeEndToEndIds: ['PS202612-7Q2M4K8Z0B3N5P7R9T1V3X5Z'] } });

export const rejectPayoutBatch = defineRequest({ roles: ['finance'], path: idPath, body: { kind: 'json', schema: operatorReasonSchema } });

export const cancelPayoutBatch = defineRequest({ roles: ['finance'], path: idPath, body: { kind: 'json', schema: operatorReasonSchema } });

export const retryPayoutBatch = defineRequest({ roles: ['finance'], path: idPath, body: { kind: 'json', schema: retryPayoutBatchSchema } });

export const returnWholeFile = defineRequest({
  roles: ['finance'],
  path: z.extend(idPath, { reportId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  body: { kind: 'json', schema: operatorReasonSchema },
});
