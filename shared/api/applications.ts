// The relief-application routes: request and response schemas and who may call each. The
// handlers validate with them and the OpenAPI document is generated from them.
import * as z from '../zod-mini.ts';
import {
  assessmentReasonCodes,
  applicationStatuses,
  applicationTypes,
  disabilities,
  documentKinds,
  isEnrolmentType,
  maxDocumentBytes,
  relations,
  uploadContentTypes,
} from '../domain/applications.ts';
import { bankAccountSchema, bankNameSchema } from '../domain/registry.ts';
import { pageQuerySchema, pageSchema } from '../http/schemas.ts';
import { defineOperation } from '../http/operation.ts';
import { fenSchema, idNumberSchema } from '../http/schemas.ts';
import { dateInChina } from '../domain/clock.ts';
import { loadDefaultPolicies, policyInForce, type PolicyVersion } from '../domain/policy.ts';
import { amountProblem, maxCeilingFen, textLimits, textSchema } from '../domain/values.ts';

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

const idPathSchema = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

const historyEntrySchema = z.withMeta(z.object({
    at: z.string(),
    by: z.string(),
    action: z.string(),
    reason: z.string(),
    from: z.optional(z.enum(applicationStatuses)),
    to: z.optional(z.enum(applicationStatuses)),
  }), { id: 'ApplicationHistoryEntry' });

const assessmentSchema = z.withMeta(z.object({
    perCapitaIncomeFen: z.number().check(z.int()),
    standardFen: z.number().check(z.int()),
    marginalThresholdFen: z.number().check(z.int()),
    depositsLimitFen: z.number().check(z.int()),
    grantCeilingFen: z.nullable(z.number().check(z.int())),
    eligible: z.boolean(),
    reasons: z.withMeta(z.array(z.string()), { description: 'In English.' }),
    reasonCodes: z.withMeta(z.array(
        z.object({
          code: z.enum(assessmentReasonCodes),
          values: z.withMeta(z.record(z.string(), z.union([z.string(), z.number()])), {
            description: 'The figures the reason names: amounts in fen (…Fen), ages in years, members masked (王*婧 (321081********1234)).',
          }),
        }),
      ), {
        description:
          'Addition to the contract: `reasons` one for one as stable codes with their figures, for clients to render in their own language (the console: Chinese). Empty for assessments made before it existed.',
      }),
    assessedOn: z.string(),
    policyEffectiveFrom: z.string(),
  }), { id: 'Assessment' });

export const applicationViewSchema = z.withMeta(z.object({
    id: z.string(),
    type: z.enum(applicationTypes),
    status: z.enum(applicationStatuses),
    household: z.object({
      township: z.string(),
      address: z.string(),
      members: z.array(
        z.object({
          name: z.string(),
          idNumberMasked: z.string(),
          relation: z.enum(relations),
          monthlyIncomeFen: z.number().check(z.int()),
          disability: z.enum(disabilities),
        }),
      ),
      assets: z.object({ depositsFen: z.number().check(z.int()), vehicles: z.number().check(z.int()), properties: z.number().check(z.int()) }),
    }),
    reason: z.string(),
    requestedAmountFen: z.nullable(z.number().check(z.int())),
    payee: z.nullable(z.object({ bankName: z.string(), bankAccountMasked: z.string() })),
    documents: z.array(
      z.object({
        documentId: z.string(),
        kind: z.enum(documentKinds),
        fileName: z.string(),
        contentType: z.string(),
        sizeBytes: z.number().check(z.int()),
        addedAt: z.string(),
        addedBy: z.string(),
        downloadUrl: z.withMeta(z.string(), { description: 'Presigned GET, valid for 5 minutes.' }),
      }),
    ),
    assessment: z.nullable(assessmentSchema),
    decision: z.nullable(z.object({
        decision: z.enum(['APPROVE', 'REJECT']),
        reason: z.string(),
        decidedAt: z.string(),
        decidedBy: z.string(),
        monthlyBenefitFen: z.optional(z.number().check(z.int())),
        grantedAmountFen: z.optional(z.number().check(z.int())),
      })),
    noticeEndsOn: z.nullable(z.string()),
    noticeDocumentUrl: z.withMeta(z.nullable(z.string()), { description: 'While on public notice: the masked notice to post, presigned GET.' }),
    objections: z.array(z.object({ at: z.string(), by: z.string(), text: z.string() })),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    submittedAt: z.nullable(z.string()),
    submittedBy: z.nullable(z.string()),
    enrolledAt: z.nullable(z.string()),
  }), { id: 'Application' });
export type ApplicationView = z.output<typeof applicationViewSchema>;

export const applicationSummarySchema = z.withMeta(z.object({
    id: z.string(),
    type: z.enum(applicationTypes),
    status: z.enum(applicationStatuses),
    township: z.string(),
    headName: z.string(),
    memberCount: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
    noticeEndsOn: z.nullable(z.string()),
  }), { id: 'ApplicationSummary' });
export type ApplicationSummary = z.output<typeof applicationSummarySchema>;

const staff = ['caseworker', 'reviewer'] as const;

export const createApplication = defineOperation({
  summary: 'File a relief application (DRAFT) for a household.',
  description:
    'Any of the seven types. Exactly one member is HEAD; a member appears once. `payee` (addition to the contract) is where enrolled members and one-off grants are paid.',
  roles: ['caseworker'],
  body: { kind: 'json', schema: applicationRequestSchema },
  responses: {
    201: { description: 'Filed', schema: z.object({ id: z.string(), status: z.literal('DRAFT') }) },
  },
});

export const addApplicationDocument = defineOperation({
  summary: 'Attach a document: answers a presigned S3 PUT URL bound to the declared type and size.',
  description:
    'PUT the file to `uploadUrl` within 5 minutes with exactly the declared Content-Type and Content-Length. Allowed while DRAFT, SUBMITTED or UNDER_REVIEW; at most 20 documents.',
  roles: ['caseworker'],
  path: idPathSchema,
  body: { kind: 'json', schema: documentRequestSchema },
  responses: {
    201: {
      description: 'Recorded; upload the file',
      schema: z.object({ documentId: z.string(), uploadUrl: z.string(), expiresAt: z.string() }),
    },
  },
});

export const submitApplication = defineOperation({
  summary: 'Submit a DRAFT for assessment.',
  description:
    'Assessment runs from a queue and moves the application to UNDER_REVIEW with `assessment`. Submitting an application that is still SUBMITTED queues its assessment again (a retry).',
  roles: ['caseworker'],
  path: idPathSchema,
  responses: {
    202: { description: 'Queued for assessment', schema: z.object({ id: z.string(), status: z.literal('SUBMITTED') }) },
  },
});

export const decideApplication = defineOperation({
  summary: 'Approve or reject an application under review.',
  description:
    'Reviewers only, and never the caseworker who filed or submitted it (403). Approving needs an eligible assessment. Enrolment types go to PUBLIC_NOTICE until `noticeEndsOn` (today in China + the policy notice days) and the masked notice is written; one-off types go to GRANTED and the grant is recorded for finance; REJECT goes to REJECTED.',
  roles: ['reviewer'],
  path: idPathSchema,
  body: { kind: 'json', schema: decisionRequestSchema },
  responses: { 200: { description: 'Decided', schema: applicationViewSchema } },
});

export const objectToApplication = defineOperation({
  summary: 'Record an objection raised during the public notice: the application goes back to UNDER_REVIEW.',
  roles: staff,
  path: idPathSchema,
  body: { kind: 'json', schema: objectionRequestSchema },
  responses: { 201: { description: 'Objection recorded', schema: applicationViewSchema } },
});

export const getApplication = defineOperation({
  summary: 'An application with its members (ID numbers masked), documents, assessment and decision.',
  roles: staff,
  path: idPathSchema,
  responses: { 200: { description: 'The application', schema: applicationViewSchema } },
});

export const getApplicationHistory = defineOperation({
  summary: "Every change of an application: who, when, why, and the statuses it moved between.",
  roles: staff,
  path: idPathSchema,
  query: pageQuerySchema,
  responses: { 200: { description: 'Oldest first', schema: pageSchema(historyEntrySchema) } },
});

export const listApplicationsQuerySchema = z.extend(pageQuerySchema, {
  status: z.optional(z.enum(applicationStatuses)),
  township: z.optional(text(100)),
  type: z.optional(z.enum(applicationTypes)),
  createdBy: z.withMeta(z.optional(text(128)), { description: 'Addition to the contract: only applications filed by this subject (a "my applications" list passes its own `sub`).' }),
});
export type ListApplicationsQuery = z.output<typeof listApplicationsQuerySchema>;

export const listApplications = defineOperation({
  summary: 'Applications, filtered by status, township, type and (addition) who filed them.',
  description:
    'With `status` or `township`, oldest first. A page may hold fewer than `limit` items while `nextToken` is not null: keep going until it is.',
  roles: staff,
  query: listApplicationsQuerySchema,
  responses: { 200: { description: 'A page', schema: pageSchema(applicationSummarySchema) } },
});
