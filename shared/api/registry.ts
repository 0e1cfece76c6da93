// The registry routes' documentation: their requests (./requests/registry.ts) with summaries and
// response schemas, which only the OpenAPI document loads (/health is in health.ts).
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';
import { pageSchema } from '../http/schemas.ts';
import { errorDetailSchema } from './error-schemas.ts';
import * as requests from './requests/registry.ts';
import { registryCsvColumns } from '../domain/registry.ts';

const rejectedLineSchema = z.withMeta(z.object({
    line: z.number().check(z.int()),
    message: z.withMeta(z.string(), { description: 'Each problem as `column: text`; Chinese under `Accept-Language: zh-CN`' }),
    details: z.withMeta(z.array(errorDetailSchema), {
      description:
        'Addition to the contract: each problem with its column (`path`) and stable code (the validation detail codes, LINE_FIELD_COUNT, DUPLICATES_LINE, ALREADY_IN_REGISTRY, SINCE_OUT_OF_RANGE, BENEFIT_OVER_CEILING); empty on imports stored before codes existed.',
    }),
  }), { id: 'RejectedLine' });

const importSummarySchema = z.withMeta(z.object({
    importId: z.string(),
    status: z.enum(['RUNNING', 'COMPLETED', 'FAILED']),
    imported: z.number().check(z.int()),
    rejected: z.array(rejectedLineSchema),
    rejectedCount: z.withMeta(z.number().check(z.int()), { description: 'All rejected lines; `rejected` lists the first 1,000.' }),
    progress: z.withMeta(z.object({
        lines: z.withMeta(z.nullable(z.number().check(z.int())), { description: 'Data lines in the file; null until the worker has read it' }),
        processed: z.withMeta(z.number().check(z.int()), { description: 'Lines checked and written so far (all of them once finished)' }),
      }), { description: 'How far the import has got, counted while it runs. Addition to the contract.' }),
    rejectionsCsvUrl: z.withMeta(z.nullable(z.string()), { description: 'Every rejected line as CSV (`line,message`, UTF-8 with BOM): a download URL valid 15 minutes; null when none. Addition to the contract.' }),
    encoding: z.withMeta(z.nullable(z.string()), { description: 'The encoding the file was read in: UTF-8, UTF-16LE, UTF-16BE or GB18030. Addition to the contract.' }),
    createdAt: z.string(),
  }), {
    id: 'RecipientImport',
    example: {
      importId: '0b5e3c1a-4f0e-4d8e-9a55-1c2d3e4f5a6b',
      status: 'COMPLETED',
      imported: 482,
      rejected: [{ line: 17, message: 'idNumber: check digit does not match', details: [{ path: 'idNumber', message: 'check digit does not match', code: 'ID_NUMBER_CHECK_DIGIT' }] }],
      rejectedCount: 1,
      progress: { lines: 483, processed: 483 },
      rejectionsCsvUrl: 'https://…/registry-imports/0b5e3c1a-….rejections.csv?X-Amz-Signature=…',
      encoding: 'GB18030',
      createdAt: '2026-11-29T01:02:03.000Z',
    },
  });

const recipientSchema = z.withMeta(z.object({
    recipientId: z.string(),
    householdId: z.string(),
    name: z.string(),
    idNumberMasked: z.string(),
    category: z.enum(['DIBAO', 'MARGINAL', 'TEKUN']),
    status: z.enum(['ACTIVE', 'SUSPENDED', 'TERMINATED']),
    since: z.string(),
    monthlyBenefitFen: z.number().check(z.int()),
  }), { id: 'Recipient' });


const dryRunRowSchema = z.extend(z.omit(recipientSchema, { recipientId: true }), { line: z.number().check(z.int()), township: z.string(), bankName: z.optional(z.string()) });

const dryRunSchema = z.withMeta(z.object({
    dryRun: z.literal(true),
    encoding: z.string(),
    lines: z.withMeta(z.number().check(z.int()), { description: 'Data lines read (all-empty rows are not counted)' }),
    wouldImport: z.number().check(z.int()),
    rejectedCount: z.number().check(z.int()),
    rejected: z.array(rejectedLineSchema),
    firstRows: z.withMeta(z.array(dryRunRowSchema), { description: 'The first 20 rows as they would be stored' }),
  }), { id: 'RecipientImportDryRun' });

export const createRecipientImport = defineOperation({
  ...requests.createRecipientImport,
  summary: "Import the bureau's existing recipient registry from CSV.",
  description: `Body: CSV (up to 5 MiB) whose first line is \`${registryCsvColumns.join(',')}\`, in any order, or the Chinese names 户编号, 姓名, 身份证号, 类别, 乡镇, 月保障金 (yuan) or 月保障金(分), 起始日期, 开户行, 账号. UTF-8 (with or without BOM), UTF-16 with BOM, a declared charset, or GBK/GB18030 as Chinese Excel saves it; send bytes that are not UTF-8 as \`application/octet-stream\` or \`application/vnd.ms-excel\` (API Gateway passes \`text/csv\` to the function as UTF-8 text). The file is checked line by line in the background; each rejected line is reported by number and never half-imported. \`?dryRun=true\` answers 200 with what the import would do and stores nothing. Additions to the contract: aliases, encodings, media types, dry run.`,
  responses: {
    200: { description: 'Dry run: what the import would do; nothing stored', schema: dryRunSchema },
    202: {
      description: 'Stored and queued',
      schema: z.object({ importId: z.string(), status: z.literal('RUNNING') }),
    },
  },
});

export const getRecipientImport = defineOperation({
  ...requests.getRecipientImport,
  summary: 'Progress and outcome of a registry import.',
  responses: { 200: { description: 'The import', schema: importSummarySchema } },
});

export const searchRecipients = defineOperation({
  ...requests.searchRecipients,
  summary: 'Find a recipient by resident ID number (the number is masked in the answer).',
  responses: { 200: { description: 'Zero or one recipient', schema: pageSchema(recipientSchema) } },
});

const reviewDueSchema = z.withMeta(z.extend(recipientSchema, {
    township: z.string(),
    reviewOpenedOn: z.withMeta(z.string(), { description: 'The China-time date the review-due job opened the review' }),
    nextReviewOn: z.withMeta(z.nullable(z.string()), { description: 'When the review after this one falls due' }),
    reviewEveryMonths: z.union([z.literal(6), z.literal(12)]),
  }), { id: 'ReviewDue' });

export const listReviewsDue = defineOperation({
  ...requests.listReviewsDue,
  summary: 'Periodic reviews due: recipients whose review the review-due job opened and nobody has acted on yet.',
  description:
    'By township, oldest first (a township scoped token: its own only; another `township` is 403 FORBIDDEN). A review closes when a reviewer suspends, reinstates or terminates the recipient. Addition to the contract.',
  responses: { 200: { description: 'Open reviews', schema: pageSchema(reviewDueSchema) } },
});

export const listHospitals = defineOperation({
  ...requests.listHospitals,
  summary: 'The designated hospitals.',
  responses: {
    200: {
      description: 'Designated hospitals',
      schema: pageSchema(z.object({ hospitalId: z.string(), name: z.string() })),
    },
  },
});

// Dynamic management (动态管理): a reviewer changes an enrolled person's status, with a reason.
const statusChange = (request: typeof requests.suspendRecipient, summary: string, description: string) =>
  defineOperation({
    ...request,
    summary,
    description: `${description} Closes any periodic review the review-due job opened. Addition to the contract.`,
    responses: { 200: { description: 'The recipient as now registered', schema: recipientSchema } },
  });

export const suspendRecipient = statusChange(requests.suspendRecipient, 'Suspend an ACTIVE recipient.', 'ACTIVE → SUSPENDED; anything else is 409 INVALID_STATE.');
export const reinstateRecipient = statusChange(requests.reinstateRecipient, 'Reinstate a SUSPENDED recipient.', 'SUSPENDED → ACTIVE; anything else is 409 INVALID_STATE.');
export const terminateRecipient = statusChange(
  requests.terminateRecipient,
  'Terminate a recipient: they leave the registry for good.',
  'ACTIVE or SUSPENDED → TERMINATED; anything else is 409 INVALID_STATE.',
);

// Change of payee: one officer asks, another confirms (maker-checker); both steps are in the
// recipient's history with who, when and why. Later batches pay the confirmed account.
const payeeChangeSchema = z.withMeta(z.object({
    changeId: z.string(),
    status: z.enum(['REQUESTED', 'CONFIRMED']),
    bankName: z.string(),
    bankAccountMasked: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    confirmedBy: z.nullable(z.string()),
    confirmedAt: z.nullable(z.string()),
  }), { id: 'PayeeChange' });

export const requestPayeeChange = defineOperation({
  ...requests.requestPayeeChange,
  summary: "Ask for a recipient's bank account to be changed (maker step).",
  description:
    'Stores the new account as pending on the recipient; nothing is paid to it until another officer confirms. One pending change per recipient: another request while one is pending is 409 CONFLICT. Addition to the contract.',
  responses: { 201: { description: 'The pending change', schema: payeeChangeSchema } },
});

export const confirmPayeeChange = defineOperation({
  ...requests.confirmPayeeChange,
  summary: "Confirm a pending change of a recipient's bank account (checker step).",
  description:
    'Never by the officer who asked (403 FORBIDDEN). The recipient is then paid to the new account by every batch planned afterwards; the old account stays in the history, masked. A changeId that is not the pending one is 409 CONFLICT. Addition to the contract.',
  responses: { 200: { description: 'The confirmed change', schema: payeeChangeSchema } },
});
