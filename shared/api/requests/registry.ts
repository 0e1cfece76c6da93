// What the registry routes accept and who may call them (their handlers import this; the
// documentation is in ../registry.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';
import type { FileBody } from '../../domain/actor.ts';
import { idNumberSchema, pageQuerySchema } from '../../http/schemas.ts';
import { bankAccountSchema, bankNameSchema, registryCsvColumns } from '../../domain/registry.ts';
import { textLimits, textSchema } from '../../domain/values.ts';
import { roles } from '../../topology.ts';

export const createRecipientImport = defineRequest<FileBody, Record<string, never>, { dryRun?: 'true' | 'false' }>({
  roles: ['reviewer'],
  query: z.object({ dryRun: z.optional(z.enum(['true', 'false'])) }),
  body: {
    kind: 'file',
    contentTypes: ['text/csv', 'application/vnd.ms-excel', 'application/octet-stream'],
    maxBytes: 5 * 1024 * 1024,
    example: `${registryCsvColumns.join(',')}\nHH-0001,王婧,11010519491231002X,DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678`,
  },
});

export const getRecipientImport = defineRequest({
  roles: ['reviewer', 'caseworker'],
  path: z.object({ importId: z.string().check(z.minLength(1), z.maxLength(64)) }),
});

export const searchRecipients = defineRequest({
  roles: ['caseworker', 'reviewer'],
  query: z.object({ idNumber: idNumberSchema }),
});

export const listReviewsDue = defineRequest({
  roles: ['reviewer'],
  query: z.extend(pageQuerySchema, { township: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64), z.regex(/^[^#]+$/, 'must not contain #'))) }),
});

export const listHospitals = defineRequest({ roles });

// Dynamic management (动态管理): a reviewer changes an enrolled person's status, with a reason.
// The ID number travels in the body, never in a URL that logs would keep.
const statusChangeSchema = z.withMeta(z.object({
    idNumber: idNumberSchema,
    reason: textSchema(textLimits.reason),
  }), { id: 'RecipientStatusChange', example: { idNumber: '11010519491231002X', reason: '复核发现家庭收入超标' } });

const statusChange = defineRequest({ roles: ['reviewer'], body: { kind: 'json', schema: statusChangeSchema } });
export const suspendRecipient = statusChange;
export const reinstateRecipient = statusChange;
export const terminateRecipient = statusChange;

// Change of payee: one officer asks, another confirms (maker-checker).
const payeeChangeRequestSchema = z.withMeta(z.object({
    idNumber: idNumberSchema,
    bankName: bankNameSchema,
    bankAccount: bankAccountSchema,
    reason: textSchema(textLimits.reason),
  }), { id: 'PayeeChangeRequest', example: { idNumber: '11010519491231002X', bankName: '江苏银行', bankAccount: '6228480099990000', reason: '原账户已销户 (AC04)' } });

export const requestPayeeChange = defineRequest({
  roles: ['caseworker', 'reviewer'],
  body: { kind: 'json', schema: payeeChangeRequestSchema },
});

export const confirmPayeeChange = defineRequest({
  roles: ['reviewer'],
  body: {
    kind: 'json',
    schema: z.withMeta(z.object({ idNumber: idNumberSchema, changeId: z.string().check(z.minLength(1), z.maxLength(64)), reason: textSchema(textLimits.reason) }), { id: 'PayeeChangeConfirmation' }),
  },
});
