// /health alone: its route then builds none of an area's schemas at import (shared/api/registry.ts,
// where it was, costs about 7 KiB and tens of ms of CPU at load: bench:cold-start, issue 14).
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';

export const health = defineOperation({
  summary: 'Liveness check; needs no token.',
  roles: 'public',
  responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
});
