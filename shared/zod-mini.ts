// zod/mini (functional checks, tree-shaken: ~17 KiB in a bundle where zod classic is ~90 KiB, issue 14)
// with zod's English messages, which classic zod sets when it is imported and mini leaves to the caller.
// Schemas built with either are the same zod core schemas: one source of validation and of the
// OpenAPI document (scripts/write-openapi.ts reads both with z.toJSONSchema).
// Import it as `import * as z from '…/zod-mini.ts'`: a namespace re-exported as a value would
// keep all of zod/mini and its 60 locales in every bundle.
import { clone, config, globalRegistry, type core } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * A copy of `schema` with `meta` (an OpenAPI id, description, example) in zod's global registry:
 * what classic zod's `.meta()` does, which zod/mini leaves out. Not the `z.meta()` check, which an
 * object schema would carry into `z.extend`/`z.omit` copies (registering the id twice).
 */
export function withMeta<T extends core.$ZodType>(schema: T, meta: core.GlobalMeta): T {
  const copy = clone(schema);
  globalRegistry.add(copy, meta);
  return copy;
}
