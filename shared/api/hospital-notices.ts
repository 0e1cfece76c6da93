// Request and response schemas of the hospital-notice routes: the handlers validate with them
// and the OpenAPI document is generated from them.
import * as z from '../zod-mini.ts';
import { fenSchema, idNumberSchema, isoDateSchema } from '../http/schemas.ts';
import { pageQuerySchema, pageSchema } from '../http/schemas.ts';
import { validateDischargeAmounts } from '../domain/settlement.ts';
import { defineOperation } from '../http/operation.ts';

const noticeNoSchema = z.withMeta(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _')), { description: "The hospital's own number for the notice; unique per hospital.", example: 'ZY2026112900017' });

const instantSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with offset' });

export const admissionNoticeSchema = z.withMeta(z.object({
    noticeNo: noticeNoSchema,
    kind: z.literal('ADMISSION'),
    patient: z.object({
      idNumber: z.withMeta(idNumberSchema, { description: 'Resident ID number (GB 11643), 18 characters.' }),
      name: z.string().check(z.trim(), z.minLength(1, 'is required'), z.maxLength(50)),
    }),
    admittedAt: instantSchema,
    diagnosis: z.optional(z.string().check(z.maxLength(500))),
  }), {
    id: 'AdmissionNotice',
    example: {
      noticeNo: 'ZY2026112900017',
      kind: 'ADMISSION',
      patient: { idNumber: '11010519491231002X', name: '王婧' },
      admittedAt: '2026-11-29T09:30:00+08:00',
      diagnosis: 'pneumonia',
    },
  });

/** A discharge as the hospital bills it (amounts in fen): the notice and the trial settlement share it. */
const dischargeBill = {
  admissionNoticeNo: z.withMeta(noticeNoSchema, { description: 'The noticeNo of the admission at the same hospital.' }),
  dischargedAt: instantSchema,
  totalCostFen: fenSchema,
  insurancePaidFen: fenSchema,
  criticalIllnessPaidFen: fenSchema,
  nonCoveredFen: fenSchema,
};
const dischargeBillExample = {
  admissionNoticeNo: 'ZY2026112900017',
  dischargedAt: '2026-12-06T15:00:00+08:00',
  totalCostFen: 2_000_000,
  insurancePaidFen: 1_200_000,
  criticalIllnessPaidFen: 200_000,
  nonCoveredFen: 50_000,
};
/** The bill's amounts must be consistent (shared/domain/settlement.ts): each problem is an issue on its field. */
function checkDischargeBill(bill: Parameters<typeof validateDischargeAmounts>[0], ctx: z.core.$RefinementCtx) {
  for (const problem of validateDischargeAmounts(bill)) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
}

export const dischargeNoticeSchema = z.withMeta(z.object({ noticeNo: noticeNoSchema, kind: z.literal('DISCHARGE'), ...dischargeBill }).check(z.superRefine(checkDischargeBill)), { id: 'DischargeNotice', example: { noticeNo: 'CY2026120600003', kind: 'DISCHARGE', ...dischargeBillExample } });

export const reversalNoticeSchema = z.withMeta(z.object({
    noticeNo: noticeNoSchema,
    kind: z.literal('REVERSAL'),
    originalNoticeNo: z.withMeta(noticeNoSchema, {
      description: 'The noticeNo of the admission or discharge of the same hospital to undo.',
    }),
  }), {
    id: 'ReversalNotice',
    example: { noticeNo: 'CX2026120600001', kind: 'REVERSAL', originalNoticeNo: 'CY2026120600003' },
  });

export const hospitalNoticeSchema = z.discriminatedUnion(
  'kind',
  [admissionNoticeSchema, dischargeNoticeSchema, reversalNoticeSchema],
  { error: 'kind must be ADMISSION, DISCHARGE or REVERSAL' },
);
export type HospitalNoticeRequest = z.output<typeof hospitalNoticeSchema>;

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
  summary: 'Post an admission, discharge or reversal notice (先诊疗、后付费).',
  description:
    'Idempotent on (hospital, noticeNo): the same notice again gets the same answer; a different notice under a used number gets 409 CONFLICT. ' +
    'The decision follows within about a second: poll GET /hospital-notices/{id}, or send `Prefer: wait=N` (RFC 7240, N ≤ 5; larger values count as 5) ' +
    'to get 200 with the decided notice when the decision is made within N seconds (else 202 as usual). ' +
    'A REVERSAL undoes an earlier notice of the same hospital: a settled discharge gives its medical assistance back to the annual cap and the stay can be discharged again; ' +
    'an admission without a settled discharge closes the stay; the original then shows REVERSED and the reversal ends APPLIED or REJECTED. ' +
    'admittedAt and dischargedAt may not lie more than 5 minutes in the future (400). Admissions are rate-limited per hospital (429 RATE_LIMITED).',
  roles: ['hospital'],
  headers: preferSchema,
  errors: [429],
  body: { kind: 'json', schema: hospitalNoticeSchema },
  responses: {
    200: { description: 'Decided within the `Prefer: wait` time', schema: noticeViewSchema },
    202: { description: 'Stored; it will be decided', schema: noticeAcceptedSchema },
  },
});

export const getHospitalNotice = defineOperation({
  summary: 'A notice with its decision and, for a discharge, its settlement.',
  description: "Only the hospital that posted it sees it; another hospital's notice answers 404.",
  roles: ['hospital'],
  path: z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }),
  responses: { 200: { description: 'The notice', schema: noticeViewSchema } },
});

export const preSettlementRequestSchema = z.withMeta(z.object({ kind: z.optional(z.literal('DISCHARGE')), ...dischargeBill }).check(z.superRefine(checkDischargeBill)), { id: 'PreSettlementRequest', example: dischargeBillExample });
export type PreSettlementRequest = z.output<typeof preSettlementRequestSchema>;

export const preSettlementSchema = z.withMeta(z.object({ settlement: z.nullable(settlementSchema), decision: decisionSchema }), { id: 'PreSettlement' });

export const postPreSettlement = defineOperation({
  summary: 'Trial settlement (预结算): the discharge arithmetic, stored and counted nowhere.',
  description:
    'Computed as a discharge with this body would be now (the admission, its category on the admission date, the cap used so far). ' +
    'When the discharge would be REJECTED, `settlement` is null and `decision` says why (neutrally when the reason would reveal registry membership).',
  roles: ['hospital'],
  errors: [429],
  body: { kind: 'json', schema: preSettlementRequestSchema },
  responses: { 200: { description: 'The split the discharge would settle with now', schema: preSettlementSchema } },
});

export const dailyTotalsSchema = z.withMeta(z.object({
    settled: z.withMeta(z.number().check(z.int()), { description: 'Discharges received that day that settled (later reversed ones included).' }),
    reversed: z.withMeta(z.number().check(z.int()), { description: 'Reversals received that day that were APPLIED.' }),
    medicalAssistanceFen: z.withMeta(z.number().check(z.int()), { description: "Assistance fronted: the day's settled discharges less the day's applied reversals (fen)." }),
  }), { id: 'HospitalDailyTotals' });

export const listHospitalNotices = defineOperation({
  summary: "The calling hospital's own notices received on one China-time day, with the day's totals (reconciliation).",
  description:
    'Oldest first. `totals` covers the whole day whatever the page. A month of these totals is what HOSPITAL_REIMBURSEMENT pays the hospital.',
  roles: ['hospital'],
  query: z.extend(pageQuerySchema, { date: isoDateSchema }),
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
  summary: 'Illness-driven poverty watch list (因病致贫返贫监测): recipients whose out-of-pocket payments in a year reached the threshold.',
  description:
    "The threshold is the policy's (`medicalAssistance.watchThreshold` in data/policy.json: a fixed amount, or a share of the local per-capita disposable income) in force at the year's end. " +
    'Caseworkers start a MEDICAL_EXPENSE application for the households listed (主动发现).',
  roles: ['reviewer'],
  query: z.object({ year: z.string().check(z.regex(/^\d{4}$/, 'must be a year YYYY')) }),
  responses: {
    200: {
      description: 'The people at or above the threshold, highest first',
      schema: z.withMeta(z.object({ year: z.string(), thresholdFen: z.number().check(z.int()), items: z.array(watchListItemSchema) }), { id: 'WatchList' }),
    },
  },
});
