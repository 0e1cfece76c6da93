// 统计: what the report routes accept and who may call them (their handlers import this; the
// documentation is in ../reports.ts, which only the OpenAPI document loads).
import * as z from '../../zod-mini.ts';
import { defineRequest } from '../../http/operation.ts';

const staff = ['caseworker', 'reviewer', 'finance'] as const;

export const reportFormats = ['json', 'xlsx', 'csv'] as const;
const formatSchema = z.withMeta(z._default(z.enum(reportFormats, { error: 'must be json, xlsx or csv' }), 'json'), { description: 'json (default), xlsx (one sheet per table, Chinese headers) or csv (one line per figure).' });

export const monthSchema = z.withMeta(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')), { example: '2022-12' });
const yearSchema = z.withMeta(z.string().check(z.regex(/^\d{4}$/, 'must be a year YYYY')), { example: '2022' });

export const fileMonthlyReportBodySchema = z.withMeta(z.object({ reason: z.optional(z.string().check(z.trim(), z.maxLength(500))) }), { id: 'MonthlyReportFilingRequest' });

export const getAnnualReport = defineRequest<undefined, Record<string, never>, { year: string; format: (typeof reportFormats)[number] }>({
  roles: staff,
  query: z.object({ year: yearSchema, format: formatSchema }),
});

export const getMonthlyReport = defineRequest<undefined, Record<string, never>, { month: string; format: (typeof reportFormats)[number] }>({
  roles: staff,
  query: z.object({ month: monthSchema, format: formatSchema }),
});

export const fileMonthlyReport = defineRequest<z.output<typeof fileMonthlyReportBodySchema>, { month: string }>({
  roles: ['reviewer', 'finance'],
  path: z.object({ month: monthSchema }),
  body: { kind: 'json', schema: fileMonthlyReportBodySchema },
});

export const listMonthlyFilings = defineRequest<undefined, { month: string }>({
  roles: staff,
  path: z.object({ month: monthSchema }),
});
