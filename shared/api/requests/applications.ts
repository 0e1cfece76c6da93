// What the application writes accept and who may call them (their handlers import this; the
// documentation is in ../applications.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import {
  applicationTypes,
  disabilities,
  documentKinds,
  isEnrolmentType,
  maxDocumentBytes,
  relations,
  uploadContentTypes,
} from '../../domain/applications.ts';
import { bankAccountSchema, bankNameSchema } from '../../domain/registry.ts';
import { defineRequest } from '../../http/operation.ts';
import { fenSchema, idNumberSchema } from '../../http/schemas.ts';
import { dateInChina } from '../../domain/clock.ts';
import { loadDefaultPolicies, policyInForce, type PolicyVersion } from '../../domain/policy.ts';
import { amountProblem, maxCeilingFen, textLimits, textSchema } from '../../domain/values.ts';
import { idPathSchema, staff } from './application-reads.ts';

// Free text and amounts follow the one rule for each (shared/domain/values.ts).
const text = textSchema;
/** At most the policy's ceiling in force today (data/policy.json, amountCeilingsFen). */
const ceilingFen = (ceiling: (c: PolicyVersion['amountCeilingsFen']) => number, rule: string) =>
  fenSchema.check(z.superRefine((amount, ctx) => {
    const problem = amountProblem(amount, ceiling(policyInForce(loadDefaultPolicies(), dateInChina(new Date())).amountCeilingsFen), rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }));

const memberSchema = z.object({
  name: text(textLimits.personName),
  idNumber: z.withMeta(idNumberSchema, { description: 'Resident ID number (GB 11643), 18 characters.' }),
  relation: z.enum(relations),
  monthlyIncomeFen: ceilingFen((c) => c.monthlyIncome, 'the monthly income ceiling'),
  disability: z.enum(disabilities),
});

const countSchema = z.number().check(z.int('must be a whole number'), z.gte(0, 'must not be negative'), z.lte(99));

const householdSchema = z.object({
  township: text(textLimits.township),
  address: text(textLimits.address),
  members: z.array(memberSchema).check(z.minLength(1, 'must list at least one member'), z.maxLength(30, 'may list at most 30 members'), z.superRefine((members, ctx) => {
      const heads = members.filter((m) => m.relation === 'HEAD').length;
      if (heads !== 1) ctx.addIssue({ code: 'custom', message: `must have exactly one HEAD member; has ${heads}` });
      const seen = new Map<string, number>();
      members.forEach((m, i) => {
        const earlier = seen.get(m.idNumber);
        if (earlier !== undefined) {
          ctx.addIssue({ code: 'custom', path: [i, 'idNumber'], message: `is the same person as member ${earlier}` });
        } else seen.set(m.idNumber, i);
      });
    })),
  assets: z.object({ depositsFen: ceilingFen((c) => c.deposits, 'the deposits ceiling'), vehicles: countSchema, properties: countSchema }),
});

export const payeeSchema = z.withMeta(z.object({ bankName: bankNameSchema, bankAccount: bankAccountSchema }), {
    id: 'Payee',
    description: "The household head's bank account: enrolled members and one-off grants are paid to it. Addition to the contract.",
  });

export const applicationRequestSchema = z.withMeta(z.object({
    type: z.enum(applicationTypes),
    household: householdSchema,
    reason: text(2000),
    requestedAmountFen: z.withMeta(z.optional(fenSchema.check(z.lte(maxCeilingFen, `must be at most ${maxCeilingFen} fen`), z.positive('must be more than 0'))), { description: 'One-off grant types only: the amount asked for.' }),
    payee: z.optional(payeeSchema),
  }).check(z.superRefine((application, ctx) => {
    if (application.requestedAmountFen !== undefined && isEnrolmentType(application.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['requestedAmountFen'],
        message: `is for one-off grant types; a ${application.type} benefit is set by the decision`,
      });
    }
  })), {
    id: 'ApplicationRequest',
    example: {
      type: 'DIBAO',
      household: {
        township: '真州镇',
        address: '真州镇东园村12号',
        members: [
          { name: '王小婧', idNumber: '11010519491231002X', relation: 'HEAD', monthlyIncomeFen: 30_000, disability: 'NONE' },
        ],
        assets: { depositsFen: 500_000, vehicles: 0, properties: 1 },
      },
      reason: '丈夫去世，无固定收入',
      payee: { bankName: '江苏银行', bankAccount: '6228480012345678' },
    },
  });
export type ApplicationRequest = z.output<typeof applicationRequestSchema>;

export const documentRequestSchema = z.object({
  kind: z.enum(documentKinds),
  fileName: text(200).check(z.regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'must not contain slashes or control characters')),
  contentType: z.enum(uploadContentTypes, { error: `must be one of ${uploadContentTypes.join(', ')}` }),
  sizeBytes: z.number().check(z.int('must be a whole number of bytes'), z.gte(1, 'must be at least 1 byte'), z.lte(maxDocumentBytes, `must be at most ${maxDocumentBytes} bytes (10 MiB)`)),
});
export type DocumentRequest = z.output<typeof documentRequestSchema>;

export const decisionRequestSchema = z.withMeta(z.object({
    decision: z.enum(['APPROVE', 'REJECT']),
    reason: text(2000).check(z.meta({ description: 'Required: a decision, and above all a refusal, is given in writing with reasons.' })),
    monthlyBenefitFen: z.withMeta(z.optional(fenSchema), {
      description: 'Approving DIBAO or TEKUN: required, per enrolled member per month (DIBAO at most the standard). MARGINAL: none.',
    }),
    grantedAmountFen: z.withMeta(z.optional(fenSchema), {
      description: 'Approving a one-off type: at most the policy ceiling; defaults to requestedAmountFen.',
    }),
  }), { id: 'DecisionRequest', example: { decision: 'APPROVE', reason: '入户调查属实', monthlyBenefitFen: 60_000 } });

export const objectionRequestSchema = z.withMeta(z.object({ text: text(2000) }), { id: 'ObjectionRequest', example: { text: '该户有一辆营运货车，未申报' } });

export const createApplication = defineRequest({ roles: ['caseworker'], body: { kind: 'json', schema: applicationRequestSchema } });

export const addApplicationDocument = defineRequest({ roles: ['caseworker'], path: idPathSchema, body: { kind: 'json', schema: documentRequestSchema } });

export const submitApplication = defineRequest({ roles: ['caseworker'], path: idPathSchema });

export const decideApplication = defineRequest({ roles: ['reviewer'], path: idPathSchema, body: { kind: 'json', schema: decisionRequestSchema } });

export const objectToApplication = defineRequest({ roles: staff, path: idPathSchema, body: { kind: 'json', schema: objectionRequestSchema } });
