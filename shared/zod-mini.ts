// zod/mini (functional checks, tree-shaken: ~17 KiB in a bundle where zod classic is ~90 KiB, issue 14)
// with zod's English messages, which classic zod sets when it is imported and mini leaves to the caller.
// Schemas built with either are the same zod core schemas: one source of validation and of the
// OpenAPI document (scripts/write-openapi.ts reads both with z.toJSONSchema).
// Import it as `import * as z from '…/zod-mini.ts'`: a namespace re-exported as a value would
// keep all of zod/mini and its 60 locales in every bundle.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
