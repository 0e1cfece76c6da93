// What the payout-batch writes accept and who may call them (their handlers import this; the
// documentation is in ../payouts.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';
import type { FileBody } from '../../domain/actor.ts';
import { fenSchema } from '../../http/schemas.ts';
import { payoutPrograms, programsWithoutCategories, programsWithPerPersonAmount } from '../../domain/payouts/batch.ts';
import { recipientCategories } from '../../domain/registry.ts';
import { dateInChina } from '../../domain/clock.ts';
import { loadDefaultPolicies, policyInForce } from '../../domain/policy.ts';
import { amountProblem, periodProblem, textLimits, textSchema } from '../../domain/values.ts';
import { idPath, periodSchema } from './payout-reads.ts';

export const createPayoutBatchSchema = z.withMeta(z.object({
    program: z.enum(payoutPrograms, { error: `must be one of ${payoutPrograms.join(', ')}` }),
    period: periodSchema,
    title: textSchema(textLimits.title),
    categories: z.optional(z.array(z.enum(recipientCategories, { error: 'must be DIBAO, MARGINAL or TEKUN' })).check(z.minLength(1, 'name at least one category'), z.refine((c) => new Set(c).size === c.length, 'must not repeat a category'))),
    perPersonFen: z.optional(fenSchema.check(z.positive('must be more than 0'))),
  }).check(z.superRefine((body, ctx) => {
    // One window for periods and the policy's per-person ceiling (shared/domain/values.ts), as of today in China.
    const today = dateInChina(new Date());
    const period = periodProblem(body.period, today);
    if (period) ctx.addIssue({ code: 'custom', path: ['period'], message: period });
    if (body.perPersonFen !== undefined && (programsWithPerPersonAmount as readonly string[]).includes(body.program)) {
      const ceiling = policyInForce(loadDefaultPolicies(), today).amountCeilingsFen.perPerson[body.program as 'PRICE_SUBSIDY' | 'ONE_TIME_LIVING'];
      const problem = amountProblem(body.perPersonFen, ceiling, `the ${body.program} per-person ceiling`);
      if (problem) ctx.addIssue({ code: 'custom', path: ['perPersonFen'], message: problem });
    }
    const perPerson = (programsWithPerPersonAmount as readonly string[]).includes(body.program);
    if (perPerson && body.perPersonFen === undefined) {
      ctx.addIssue({ code: 'custom', path: ['perPersonFen'], message: `is required for ${body.program}` });
    }
    if (!perPerson && body.perPersonFen !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['perPersonFen'],
        message: `applies only to ${programsWithPerPersonAmount.join(' and ')}; ${body.program} pays each its own amount`,
      });
    }
    const takesCategories = !(programsWithoutCategories as readonly string[]).includes(body.program);
    if (takesCategories && !body.categories) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'is required' });
    }
    if (!takesCategories && body.categories) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: `does not apply to ${body.program}` });
    }
  })), {
    id: 'NewPayoutBatch',
    example: {
      program: 'PRICE_SUBSIDY',
      period: '2026-12',
      title: '2026年12月困难群众价格临时补贴',
      categories: ['DIBAO', 'TEKUN'],
      perPersonFen: 5000,
    },
  });
export type NewPayoutBatch = z.output<typeof createPayoutBatchSchema>;

export const createPayoutBatch = defineRequest({ roles: ['finance'], body: { kind: 'json', schema: createPayoutBatchSchema } });

export const approvePayoutBatch = defineRequest({ roles: ['finance'], path: idPath });

export const postBankResults = defineRequest<FileBody, { id: string }>({
  roles: ['finance'],
  path: idPath,
  body: {
    kind: 'file',
    contentTypes: ['application/xml', 'text/xml', 'text/csv', 'application/vnd.ms-excel', 'application/octet-stream'],
    maxBytes: 5 * 1024 * 1024,
    example: 'endToEndId,status,reason\nPS202612-7Q2M4K8Z0B3N5P7R9T1V3X5Z,ACSC,\nPS202612-2B4D6F8H0J2L4N6P8R0T2V4X,RJCT,AC04 closed account',
  },
});
