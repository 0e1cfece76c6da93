// The error envelope's schemas: what every error answer looks like (shared/http/route.ts writes it).
// Documentation only: the OpenAPI document and the registry import's rejected lines use them; no
// handler imports this module, so no route builds them at import (issue 14: bench:cold-start).
import * as z from '../zod-mini.ts';

const reasonValuesSchema = z.withMeta(z.record(z.string(), z.union([z.string(), z.number()])), { description: 'The figures the code\'s text names (amounts in fen), for a client to render it in its own language.' });

/** One problem of a request or of a registry line: the field, the text, a stable code. */
export const errorDetailSchema = z.withMeta(z.object({
    path: z.string(),
    message: z.withMeta(z.string(), { description: 'English, or Chinese under `Accept-Language: zh-CN` (addition to the contract).' }),
    code: z.withMeta(z.optional(z.string()), {
      description:
        'Addition to the contract: a stable machine-readable reason (e.g. REQUIRED, TOO_BIG, INVALID_VALUE, ID_NUMBER_CHECK_DIGIT, DUPLICATES_LINE, ALREADY_IN_REGISTRY) that clients render in their own language.',
    }),
    values: z.optional(reasonValuesSchema),
  }), { id: 'ErrorDetail' });

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.withMeta(z.string(), { description: 'English by default; Chinese under `Accept-Language: zh-CN` (addition to the contract; codes stay the same).' }),
    details: z.array(errorDetailSchema),
    reason: z.withMeta(z.optional(z.object({ code: z.string(), values: reasonValuesSchema })), {
        description:
          'Addition to the contract: why a 403 or 409 was answered, as a stable code with its figures (e.g. FILER_MAY_NOT_DECIDE, TOWNSHIP_OUT_OF_SCOPE, RECIPIENT_STATUS_FORBIDS, BATCH_STATUS_FORBIDS; README, Chinese from codes).',
      }),
  }),
});

