// The registry routes: schemas and operation definitions (/health is in health.ts).
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';
import type { FileBody } from '../domain/actor.ts';
import { errorDetailSchema, idNumberSchema, pageQuerySchema, pageSchema } from '../http/schemas.ts';
import { bankAccountSchema, bankNameSchema, registryCsvColumns } from '../domain/registry.ts';
import { textLimits, textSchema } from '../domain/values.ts';
import { roles } from '../topology.ts';

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

export const createRecipientImport = defineOperation<FileBody, Record<string, never>, { dryRun?: 'true' | 'false' }>({
  summary: "Import the bureau's existing recipient registry from CSV.",
  description: `Body: CSV (up to 5 MiB) whose first line is \`${registryCsvColumns.join(',')}\`, in any order, or the Chinese names 户编号, 姓名, 身份证号, 类别, 乡镇, 月保障金 (yuan) or 月保障金(分), 起始日期, 开户行, 账号. UTF-8 (with or without BOM), UTF-16 with BOM, a declared charset, or GBK/GB18030 as Chinese Excel saves it; send bytes that are not UTF-8 as \`application/octet-stream\` or \`application/vnd.ms-excel\` (API Gateway passes \`text/csv\` to the function as UTF-8 text). The file is checked line by line in the background; each rejected line is reported by number and never half-imported. \`?dryRun=true\` answers 200 with what the import would do and stores nothing. Additions to the contract: aliases, encodings, media types, dry run.`,
  roles: ['reviewer'],
  query: z.object({ dryRun: z.optional(z.enum(['true', 'false'])) }),
  body: {
    kind: 'file',
    contentTypes: ['text/csv', 'application/vnd.ms-excel', 'application/octet-stream'],
    maxBytes: 5 * 1024 * 1024,
    example: `${registryCsvColumns.join(',')}\nHH-0001,王婧,11010519491231002X,DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678`,
  },
  responses: {
    200: { description: 'Dry run: what the import would do; nothing stored', schema: dryRunSchema },
    202: {
      description: 'Stored and queued',
      schema: z.object({ importId: z.string(), status: z.literal('RUNNING') }),
    },
  },
});

export const getRecipientImport = defineOperation({
  summary: 'Progress and outcome of a registry import.',
  roles: ['reviewer', 'caseworker'],
  path: z.object({ importId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  responses: { 200: { description: 'The import', schema: importSummarySchema } },
});

export const searchRecipients = defineOperation({
  summary: 'Find a recipient by resident ID number (the number is masked in the answer).',
  roles: ['caseworker', 'reviewer'],
  query: z.object({ idNumber: idNumberSchema }),
  responses: { 200: { description: 'Zero or one recipient', schema: pageSchema(recipientSchema) } },
});

const reviewDueSchema = z.withMeta(z.extend(recipientSchema, {
    township: z.string(),
    reviewOpenedOn: z.withMeta(z.string(), { description: 'The China-time date the review-due job opened the review' }),
    nextReviewOn: z.withMeta(z.nullable(z.string()), { description: 'When the review after this one falls due' }),
    reviewEveryMonths: z.union([z.literal(6), z.literal(12)]),
  }), { id: 'ReviewDue' });

export const listReviewsDue = defineOperation({
  summary: 'Periodic reviews due: recipients whose review the review-due job opened and nobody has acted on yet.',
  description:
    'By township, oldest first (a township scoped token: its own only; another `township` is 403 FORBIDDEN). A review closes when a reviewer suspends, reinstates or terminates the recipient. Addition to the contract.',
  roles: ['reviewer'],
  query: z.extend(pageQuerySchema, { township: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64), z.regex(/^[^#]+$/, 'must not contain #'))) }),
  responses: { 200: { description: 'Open reviews', schema: pageSchema(reviewDueSchema) } },
});

export const listHospitals = defineOperation({
  summary: 'The designated hospitals.',
  roles,
  responses: {
    200: {
      description: 'Designated hospitals',
      schema: pageSchema(z.object({ hospitalId: z.string(), name: z.string() })),
    },
  },
});

// Dynamic management (动态管理): a reviewer changes an enrolled person's status, with a reason.
// The ID number travels in the body, never in a URL that logs would keep.
const statusChangeSchema = z.withMeta(z.object({
    idNumber: idNumberSchema,
    reason: textSchema(textLimits.reason),
  }), { id: 'RecipientStatusChange', example: { idNumber: '11010519491231002X', reason: '复核发现家庭收入超标' } });

const statusChange = (summary: string, description: string) =>
  defineOperation({
    summary,
    description: `${description} Closes any periodic review the review-due job opened. Addition to the contract.`,
    roles: ['reviewer'],
    body: { kind: 'json', schema: statusChangeSchema },
    responses: { 200: { description: 'The recipient as now registered', schema: recipientSchema } },
  });

export const suspendRecipient = statusChange('Suspend an ACTIVE recipient.', 'ACTIVE → SUSPENDED; anything else is 409 INVALID_STATE.');
export const reinstateRecipient = statusChange('Reinstate a SUSPENDED recipient.', 'SUSPENDED → ACTIVE; anything else is 409 INVALID_STATE.');
export const terminateRecipient = statusChange(
  'Terminate a recipient: they leave the registry for good.',
  'ACTIVE or SUSPENDED → TERMINATED; anything else is 409 INVALID_STATE.',
);

// Change of payee: one officer asks, another confirms (maker-checker); both steps are in the
// recipient's history with who, when and why. Later batches pay the confirmed account.
const payeeChangeRequestSchema = z.withMeta(z.object({
    idNumber: idNumberSchema,
    bankName: bankNameSchema,
    bankAccount: bankAccountSchema,
    reason: textSchema(textLimits.reason),
  }), { id: 'PayeeChangeRequest', example: { idNumber: '11010519491231002X', bankName: '江苏银行', bankAccount: '6228480099990000', reason: '原账户已销户 (AC04)' } });

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
  summary: "Ask for a recipient's bank account to be changed (maker step).",
  description:
    'Stores the new account as pending on the recipient; nothing is paid to it until another officer confirms. One pending change per recipient: another request while one is pending is 409 CONFLICT. Addition to the contract.',
  roles: ['caseworker', 'reviewer'],
  body: { kind: 'json', schema: payeeChangeRequestSchema },
  responses: { 201: { description: 'The pending change', schema: payeeChangeSchema } },
});

export const confirmPayeeChange = defineOperation({
  summary: "Confirm a pending change of a recipient's bank account (checker step).",
  description:
    'Never by the officer who asked (403 FORBIDDEN). The recipient is then paid to the new account by every batch planned afterwards; the old account stays in the history, masked. A changeId that is not the pending one is 409 CONFLICT. Addition to the contract.',
  roles: ['reviewer'],
  body: {
    kind: 'json',
    schema: z.withMeta(z.object({ idNumber: idNumberSchema, changeId: z.string().check(z.minLength(1), z.maxLength(64)), reason: textSchema(textLimits.reason) }), { id: 'PayeeChangeConfirmation' }),
  },
  responses: { 200: { description: 'The confirmed change', schema: payeeChangeSchema } },
});
