// What the payout-batch reads accept and who may call them (their handlers import this; the
// documentation is in ../payouts.ts, which only the OpenAPI document loads). Apart from the
// writes' bodies (./payouts.ts) so that a read builds none of them at import.
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';
import { pageQuerySchema } from '../../http/schemas.ts';
import { batchStatuses, paymentStatuses, payoutPrograms } from '../../domain/payouts/batch.ts';

export const periodSchema = z.withMeta(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')), { description: 'The month paid for.', example: '2026-12' });

export const idPath = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const listPayoutBatchesQuerySchema = z.extend(pageQuerySchema, {
  status: z.optional(z.enum(batchStatuses)),
  program: z.optional(z.enum(payoutPrograms)),
  period: z.optional(periodSchema),
});
export type ListPayoutBatchesQuery = z.output<typeof listPayoutBatchesQuerySchema>;

export const getPayoutBatch = defineRequest({ roles: ['finance'], path: idPath });

export const listPayoutBatches = defineRequest({ roles: ['finance'], query: listPayoutBatchesQuerySchema });

export const listPayments = defineRequest({
  roles: ['finance'],
  path: idPath,
  query: z.extend(pageQuerySchema, { status: z.optional(z.enum(paymentStatuses)) }),
});

export const getBankResults = defineRequest({
  roles: ['finance'],
  path: z.extend(idPath, { reportId: z.string().check(z.minLength(1), z.maxLength(64)) }),
});
