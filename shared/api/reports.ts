// 统计: the report routes' documentation (contract "Reports (统计) (v1.1)"): their requests
// (./requests/reports.ts) with summaries and response schemas, which only the OpenAPI document loads.
import * as z from '../zod-mini.ts';
import { defineOperation } from '../http/operation.ts';
import { grantTypes, personPrograms } from '../domain/figures.ts';
import { recipientCategories } from '../domain/registry.ts';
import * as requests from './requests/reports.ts';

export { reportFormats, monthSchema, fileMonthlyReportBodySchema } from './requests/reports.ts';

const count = z.number().check(z.int());
const suppressed = z.withMeta(z.union([count, z.literal('<5')]), { description: 'A count; 1 to 4 shows as "<5".' });
const perCategory = <T extends z.core.$ZodType>(schema: T) => z.object(Object.fromEntries(recipientCategories.map((c) => [c, schema])) as Record<(typeof recipientCategories)[number], T>);
const householdsPeople = z.object({ households: count, people: count });
const byTownship = z.withMeta(z.record(z.string(), perCategory(z.object({ households: suppressed, people: suppressed }))), { description: 'By township: households and people at the date; counts from 1 to 4 show as "<5".' });
const coverage = z.withMeta(z.object({ registryRecordedFrom: z.nullable(z.string()), complete: z.boolean(), note: z.string() }), { description: 'Figures before the registry was first recorded in Tuodi are incomplete.' });
const programLines = z.object(Object.fromEntries(personPrograms.map((p) => [p, z.object({ amountFen: count, personTimes: count })])));
const grantLines = z.object(Object.fromEntries(grantTypes.map((t) => [t, z.object({ count, amountFen: count })])));

export const annualReportSchema = z.withMeta(z.object({
    year: z.string(),
    registry: z.object({
      asOf: z.string(),
      byCategory: perCategory(householdsPeople),
      recognisedInYear: perCategory(householdsPeople),
      byTownship,
    }),
    payouts: z.object({ byProgram: programLines, totalFen: count }),
    grants: z.object({ byType: grantLines, totalFen: count }),
    medicalAssistance: z.object({ admissionsGuaranteed: count, settlements: count, amountFen: count, people: count }),
    generatedAt: z.string(),
    coverage,
  }), { id: 'AnnualReport' });

export const monthlyReportSchema = z.withMeta(z.object({
    month: z.string(),
    asOf: z.string(),
    categories: perCategory(
      z.object({
        households: count,
        people: count,
        peopleAdded: count,
        peopleLeft: count,
        householdsAdded: count,
        householdsLeft: count,
        spendingFen: z.withMeta(count, { description: "Settled payouts of the month's period to people paid as this category (the payee's category recorded on each payment)." }),
      }),
    ),
    mixedCategorySpendingFen: z.withMeta(count, { description: "Settled payouts of the month planned before payments recorded the payee's category, from batches naming several categories." }),
    payouts: z.object({ byProgram: programLines, totalFen: count }),
    oneOffAssistance: z.object({ personTimes: count, amountFen: count, byType: grantLines }),
    medicalAssistance: z.object({ admissionsGuaranteed: count, personTimes: count, amountFen: count }),
    byTownship,
    generatedAt: z.string(),
    coverage,
  }), { id: 'MonthlyReport' });

const filingSchema = z.withMeta(z.object({
    filingId: z.string(),
    month: z.string(),
    filedBy: z.string(),
    filedAt: z.string(),
    reason: z.optional(z.string()),
    report: monthlyReportSchema,
  }), { id: 'MonthlyReportFiling' });

const rules =
  'Counting rules: README "统计: counting rules". A person counts in a category on a date when active in it (since on or before, not yet suspended or terminated; a suspension or termination leaves on its day, a reinstatement adds). Money counts in the period of its batch once SETTLED, net of returns. Figures are maintained from the source tables\' streams and are as of generatedAt.';

export const getAnnualReport = defineOperation({
  ...requests.getAnnualReport,
  summary: "The bureau's figures for a year (registry at year end, recognitions, payouts, grants, medical assistance).",
  description: `${rules} \`?format=xlsx\` answers an Excel workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), \`?format=csv\` a CSV.`,
  responses: { 200: { description: 'The annual figures', schema: annualReportSchema } },
});

export const getMonthlyReport = defineOperation({
  ...requests.getMonthlyReport,
  summary: 'The social-assistance lines of the monthly statistical report (社会服务统计月报).',
  description: `${rules} \`?format=xlsx\` or \`?format=csv\` as for the annual report.`,
  responses: { 200: { description: 'The monthly figures', schema: monthlyReportSchema } },
});

export const fileMonthlyReport = defineOperation({
  ...requests.fileMonthlyReport,
  summary: "Freeze the month's report as filed (who, when): the copy stays as filed when later changes move the live figures.",
  responses: { 201: { description: 'The filed copy', schema: filingSchema } },
});

export const listMonthlyFilings = defineOperation({
  ...requests.listMonthlyFilings,
  summary: "The month's filed copies, oldest first.",
  responses: { 200: { description: 'Filed copies', schema: z.object({ items: z.array(filingSchema) }) } },
});
