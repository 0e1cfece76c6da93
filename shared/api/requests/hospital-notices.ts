// What the hospital-notice routes accept and who may call them (their handlers import this; the
// documentation is in ../hospital-notices.ts, which only the OpenAPI document loads). The two
// reads (GETs) are in ./hospital-notice-reads.ts, so that they build none of these bodies at import.
import * as z from '../../zod-mini.ts';
import { fenSchema, idNumberSchema } from '../../http/schemas.ts';
import { validateDischargeAmounts } from '../../domain/settlement.ts';
import { defineRequest } from '../../http/operation.ts';

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

export const preSettlementRequestSchema = z.withMeta(z.object({ kind: z.optional(z.literal('DISCHARGE')), ...dischargeBill }).check(z.superRefine(checkDischargeBill)), { id: 'PreSettlementRequest', example: dischargeBillExample });
export type PreSettlementRequest = z.output<typeof preSettlementRequestSchema>;

export const postHospitalNotice = defineRequest({ roles: ['hospital'], body: { kind: 'json', schema: hospitalNoticeSchema } });

export const postPreSettlement = defineRequest({ roles: ['hospital'], body: { kind: 'json', schema: preSettlementRequestSchema } });
