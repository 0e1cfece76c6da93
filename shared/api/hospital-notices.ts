// The hospital-notice routes' documentation: their requests (./requests/hospital-notices.ts,
// ./requests/hospital-notice-reads.ts) with summaries and response schemas, which only the OpenAPI document loads.
import * as z from '../zod-mini.ts';
import { pageSchema } from '../http/schemas.ts';
import { defineOperation } from '../http/operation.ts';
import * as reads from './requests/hospital-notice-reads.ts';
import * as writes from './requests/hospital-notices.ts';

export { admissionNoticeSchema, dischargeNoticeSchema, reversalNoticeSchema, hospitalNoticeSchema, preSettlementRequestSchema } from './requests/hospital-notices.ts';
export type { HospitalNoticeRequest, PreSettlementRequest } from './requests/hospital-notices.ts';

export const noticeStatusSchema = z.enum([
  'RECEIVED',
  'GUARANTEED',
  'NOT_ELIGIBLE',
  'SETTLED',
  'REJECTED',
  'REVERSED',
  'APPLIED',
]);
export type NoticeStatus = z.output<typeof noticeStatusSchema>;

export const noticeAcceptedSchema = z.withMeta(z.object({ id: z.string(), status: z.literal('RECEIVED') }), { id: 'NoticeAccepted', example: { id: 'hn_3b1f0c9e8d7a6b5c4d3e2f1a', status: 'RECEIVED' } });

const settlementSchema = z.withMeta(z.object({
    outOfPocketFen: z.number().check(z.int()),
    medicalAssistanceFen: z.number().check(z.int()),
    patientPaysFen: z.number().check(z.int()),
    annualUsedFen: z.number().check(z.int()),
    annualCapFen: z.number().check(z.int()),
  }), { id: 'Settlement' });

const decisionSchema = z.object({
  eligible: z.boolean(),
  category: z.withMeta(z.nullable(z.enum(['DIBAO', 'MARGINAL', 'TEKUN'])), { description: 'Named only when the guarantee is granted or a discharge settles.' }),
  reason: z.string(),
});

export const noticeViewSchema = z.withMeta(z.object({
    id: z.string(),
    noticeNo: z.string(),
    kind: z.enum(['ADMISSION', 'DISCHARGE', 'REVERSAL']),
    status: noticeStatusSchema,
    receivedAt: z.string(),
    decidedAt: z.nullable(z.string()),
    patient: z.nullable(z.object({ name: z.string(), idNumberMasked: z.string() })),
    decision: z.nullable(decisionSchema),
    settlement: z.nullable(settlementSchema),
    admissionNoticeNo: z.withMeta(z.nullable(z.string()), { description: 'A discharge: the admission it settles.' }),
    originalNoticeNo: z.withMeta(z.nullable(z.string()), { description: 'A reversal: the notice it undoes.' }),
    reversedAssistanceFen: z.withMeta(z.nullable(z.number().check(z.int())), { description: 'An applied reversal: the medical assistance given back to the annual cap.' }),
    reversed: z.withMeta(z.nullable(z.object({ noticeNo: z.string(), by: z.string(), at: z.string() })), { description: 'Set once a REVERSAL undid this notice: which one, who posted it, when it was applied.' }),
  }), {
    id: 'HospitalNotice',
    example: {
      id: 'hn_9c2d4e6f8a0b1c3d5e7f9a1b',
      noticeNo: 'CY2026120600003',
      kind: 'DISCHARGE',
      status: 'SETTLED',
      receivedAt: '2026-12-06T07:00:01.120Z',
      decidedAt: '2026-12-06T07:00:01.310Z',
      patient: { name: '王婧', idNumberMasked: '110105********002X' },
      decision: {
        eligible: true,
        category: 'DIBAO',
        reason: 'DIBAO share 90% of eligible 5500.00 yuan ... medical assistance pays 4950.00 yuan, patient pays 1050.00 yuan',
      },
      settlement: {
        outOfPocketFen: 600_000,
        medicalAssistanceFen: 495_000,
        patientPaysFen: 105_000,
        annualUsedFen: 495_000,
        annualCapFen: 8_000_000,
      },
      admissionNoticeNo: 'ZY2026112900017',
      originalNoticeNo: null,
      reversedAssistanceFen: null,
      reversed: null,
    },
  });
export type NoticeView = z.output<typeof noticeViewSchema>;

const preferSchema = z.object({
  Prefer: z.withMeta(z.optional(z.string().check(z.maxLength(200))), { description: 'RFC 7240 `wait=N` (seconds, at most 5): answer 200 with the decided notice when decided within N seconds.' }),
});

export const postHospitalNotice = defineOperation({
  ...writes.postHospitalNotice,
  summary: 'Post an admission, discharge or reversal notice (先诊疗、后付费).',
  description:
    'Idempotent on (hospital, noticeNo): the same notice again gets the same answer; a different notice under a used number gets 409 CONFLICT. ' +
    'The decision follows within about a second: poll GET /hospital-notices/{id}, or send `Prefer: wait=N` (RFC 7240, N ≤ 5; larger values count as 5) ' +
    'to get 200 with the decided notice when the decision is made within N seconds (else 202 as usual). ' +
    'A REVERSAL undoes an earlier notice of the same hospital: a settled discharge gives its medical assistance back to the annual cap and the stay can be discharged again; ' +
    'an admission without a settled discharge closes the stay; the original then shows REVERSED and the reversal ends APPLIED or REJECTED. ' +
    'admittedAt and dischargedAt may not lie more than 5 minutes in the future (400). Admissions are rate-limited per hospital (429 RATE_LIMITED).',
  headers: preferSchema,
  errors: [429],
  responses: {
    200: { description: 'Decided within the `Prefer: wait` time', schema: noticeViewSchema },
    202: { description: 'Stored; it will be decided', schema: noticeAcceptedSchema },
  },
});

export const getHospitalNotice = defineOperation({
  ...reads.getHospitalNotice,
  summary: 'A notice with its decision and, for a discharge, its settlement.',
  description: "Only the hospital that posted it sees it; another hospital's notice answers 404.",
  responses: { 200: { description: 'The notice', schema: noticeViewSchema } },
});

export const preSettlementSchema = z.withMeta(z.object({ settlement: z.nullable(settlementSchema), decision: decisionSchema }), { id: 'PreSettlement' });

export const postPreSettlement = defineOperation({
  ...writes.postPreSettlement,
  summary: 'Trial settlement (预结算): the discharge arithmetic, stored and counted nowhere.',
  description:
    'Computed as a discharge with this body would be now (the admission, its category on the admission date, the cap used so far). ' +
    'When the discharge would be REJECTED, `settlement` is null and `decision` says why (neutrally when the reason would reveal registry membership).',
  errors: [429],
  responses: { 200: { description: 'The split the discharge would settle with now', schema: preSettlementSchema } },
});

export const dailyTotalsSchema = z.withMeta(z.object({
    settled: z.withMeta(z.number().check(z.int()), { description: 'Discharges received that day that settled (later reversed ones included).' }),
    reversed: z.withMeta(z.number().check(z.int()), { description: 'Reversals received that day that were APPLIED.' }),
    medicalAssistanceFen: z.withMeta(z.number().check(z.int()), { description: "Assistance fronted: the day's settled discharges less the day's applied reversals (fen)." }),
  }), { id: 'HospitalDailyTotals' });

export const listHospitalNotices = defineOperation({
  ...reads.listHospitalNotices,
  summary: "The calling hospital's own notices received on one China-time day, with the day's totals (reconciliation).",
  description:
    'Oldest first. `totals` covers the whole day whatever the page. A month of these totals is what HOSPITAL_REIMBURSEMENT pays the hospital.',
  responses: {
    200: {
      description: "The day's notices and totals",
      schema: z.extend(pageSchema(noticeViewSchema), { date: z.string(), totals: dailyTotalsSchema }),
    },
  },
});

export const watchListItemSchema = z.object({
  idNumberMasked: z.string(),
  name: z.string(),
  householdId: z.string(),
  category: z.enum(['DIBAO', 'MARGINAL', 'TEKUN']),
  patientPaysFen: z.withMeta(z.number().check(z.int()), { description: 'Out-of-pocket paid at discharges settled in the year, net of reversals.' }),
});

export const getWatchList = defineOperation({
  ...reads.getWatchList,
  summary: 'Illness-driven poverty watch list (因病致贫返贫监测): recipients whose out-of-pocket payments in a year reached the threshold.',
  description:
    "The threshold is the policy's (`medicalAssistance.watchThreshold` in data/policy.json: a fixed amount, or a share of the local per-capita disposable income) in force at the year's end. " +
    'Caseworkers start a MEDICAL_EXPENSE application for the households listed (主动发现).',
  responses: {
    200: {
      description: 'The people at or above the threshold, highest first',
      schema: z.withMeta(z.object({ year: z.string(), thresholdFen: z.number().check(z.int()), items: z.array(watchListItemSchema) }), { id: 'WatchList' }),
    },
  },
});
