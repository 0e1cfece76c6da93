// The relief-application routes' documentation: their requests (./requests/applications.ts,
// ./requests/application-reads.ts) with summaries and response schemas, which only the OpenAPI
// document loads.
import * as z from '../zod-mini.ts';
import { assessmentReasonCodes, applicationStatuses, applicationTypes, disabilities, documentKinds, relations } from '../domain/applications.ts';
import { pageSchema } from '../http/schemas.ts';
import { defineOperation } from '../http/operation.ts';
import * as reads from './requests/application-reads.ts';
import * as writes from './requests/applications.ts';

export { payeeSchema, applicationRequestSchema, documentRequestSchema, decisionRequestSchema, objectionRequestSchema } from './requests/applications.ts';
export type { ApplicationRequest, DocumentRequest } from './requests/applications.ts';
export { listApplicationsQuerySchema } from './requests/application-reads.ts';
export type { ListApplicationsQuery } from './requests/application-reads.ts';

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

export const createApplication = defineOperation({
  ...writes.createApplication,
  summary: 'File a relief application (DRAFT) for a household.',
  description:
    'Any of the seven types. Exactly one member is HEAD; a member appears once. `payee` (addition to the contract) is where enrolled members and one-off grants are paid.',
  responses: {
    201: { description: 'Filed', schema: z.object({ id: z.string(), status: z.literal('DRAFT') }) },
  },
});

export const addApplicationDocument = defineOperation({
  ...writes.addApplicationDocument,
  summary: 'Attach a document: answers a presigned S3 PUT URL bound to the declared type and size.',
  description:
    'PUT the file to `uploadUrl` within 5 minutes with exactly the declared Content-Type and Content-Length. Allowed while DRAFT, SUBMITTED or UNDER_REVIEW; at most 20 documents.',
  responses: {
    201: {
      description: 'Recorded; upload the file',
      schema: z.object({ documentId: z.string(), uploadUrl: z.string(), expiresAt: z.string() }),
    },
  },
});

export const submitApplication = defineOperation({
  ...writes.submitApplication,
  summary: 'Submit a DRAFT for assessment.',
  description:
    'Assessment runs from a queue and moves the application to UNDER_REVIEW with `assessment`. Submitting an application that is still SUBMITTED queues its assessment again (a retry).',
  responses: {
    202: { description: 'Queued for assessment', schema: z.object({ id: z.string(), status: z.literal('SUBMITTED') }) },
  },
});

export const decideApplication = defineOperation({
  ...writes.decideApplication,
  summary: 'Approve or reject an application under review.',
  description:
    'Reviewers only, and never the caseworker who filed or submitted it (403). Approving needs an eligible assessment. Enrolment types go to PUBLIC_NOTICE until `noticeEndsOn` (today in China + the policy notice days) and the masked notice is written; one-off types go to GRANTED and the grant is recorded for finance; REJECT goes to REJECTED.',
  responses: { 200: { description: 'Decided', schema: applicationViewSchema } },
});

export const objectToApplication = defineOperation({
  ...writes.objectToApplication,
  summary: 'Record an objection raised during the public notice: the application goes back to UNDER_REVIEW.',
  responses: { 201: { description: 'Objection recorded', schema: applicationViewSchema } },
});

export const getApplication = defineOperation({
  ...reads.getApplication,
  summary: 'An application with its members (ID numbers masked), documents, assessment and decision.',
  responses: { 200: { description: 'The application', schema: applicationViewSchema } },
});

export const getApplicationHistory = defineOperation({
  ...reads.getApplicationHistory,
  summary: "Every change of an application: who, when, why, and the statuses it moved between.",
  responses: { 200: { description: 'Oldest first', schema: pageSchema(historyEntrySchema) } },
});

export const listApplications = defineOperation({
  ...reads.listApplications,
  summary: 'Applications, filtered by status, township, type and (addition) who filed them.',
  description:
    'With `status` or `township`, oldest first. A page may hold fewer than `limit` items while `nextToken` is not null: keep going until it is.',
  responses: { 200: { description: 'A page', schema: pageSchema(applicationSummarySchema) } },
});
