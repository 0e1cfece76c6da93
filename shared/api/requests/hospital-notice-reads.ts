// What the hospital-notice reads accept and who may call them (their handlers import this; the
// documentation is in ../hospital-notices.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import { isoDateSchema, pageQuerySchema } from '../../http/schemas.ts';
import { defineRequest } from '../../http/operation.ts';

export const getHospitalNotice = defineRequest({
  roles: ['hospital'],
  path: z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }),
});

export const listHospitalNotices = defineRequest({
  roles: ['hospital'],
  query: z.extend(pageQuerySchema, { date: isoDateSchema }),
});

export const getWatchList = defineRequest({
  roles: ['reviewer'],
  query: z.object({ year: z.string().check(z.regex(/^\d{4}$/, 'must be a year YYYY')) }),
});
