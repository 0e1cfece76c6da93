// Request and response schemas of the hospital-notice routes: the handlers validate with them
// and the OpenAPI document is generated from them.
import * as z from 'zod';
import { fenSchema, idNumberSchema } from '../http/schemas.ts';
import { validateDischargeAmounts } from '../domain/settlement.ts';
import { defineOperation } from '../http/route.ts';

const noticeNoSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _')
  .meta({ description: "The hospital's own number for the notice; unique per hospital.", example: 'ZY2026112900017' });

const instantSchema = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant with offset' });

export const admissionNoticeSchema = z
  .object({
    noticeNo: noticeNoSchema,
    kind: z.literal('ADMISSION'),
    patient: z.object({
      idNumber: idNumberSchema.meta({ description: 'Resident ID number (GB 11643), 18 characters.' }),
      name: z.string().trim().min(1, 'is required').max(50),
    }),
    admittedAt: instantSchema,
    diagnosis: z.string().max(500).optional(),
  })
  .meta({
    id: 'AdmissionNotice',
    example: {
      noticeNo: 'ZY2026112900017',
      kind: 'ADMISSION',
      patient: { idNumber: '11010519491231002X', name: '王婧' },
      admittedAt: '2026-11-29T09:30:00+08:00',
      diagnosis: 'pneumonia',
    },
  });

export const dischargeNoticeSchema = z
  .object({
    noticeNo: noticeNoSchema,
    kind: z.literal('DISCHARGE'),
    admissionNoticeNo: noticeNoSchema.meta({ description: 'The noticeNo of the admission at the same hospital.' }),
    dischargedAt: instantSchema,
    totalCostFen: fenSchema,
    insurancePaidFen: fenSchema,
    criticalIllnessPaidFen: fenSchema,
    nonCoveredFen: fenSchema,
  })
  .superRefine((notice, ctx) => {
    for (const problem of validateDischargeAmounts(notice)) {
      ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    }
  })
  .meta({
    id: 'DischargeNotice',
    example: {
      noticeNo: 'CY2026120600003',
      kind: 'DISCHARGE',
      admissionNoticeNo: 'ZY2026112900017',
      dischargedAt: '2026-12-06T15:00:00+08:00',
      totalCostFen: 2_000_000,
      insurancePaidFen: 1_200_000,
      criticalIllnessPaidFen: 200_000,
      nonCoveredFen: 50_000,
    },
  });

export const hospitalNoticeSchema = z.discriminatedUnion('kind', [admissionNoticeSchema, dischargeNoticeSchema], {
  error: 'kind must be ADMISSION or DISCHARGE',
});
export type HospitalNoticeRequest = z.output<typeof hospitalNoticeSchema>;

export const noticeStatusSchema = z.enum(['RECEIVED', 'GUARANTEED', 'NOT_ELIGIBLE', 'SETTLED', 'REJECTED']);
export type NoticeStatus = z.output<typeof noticeStatusSchema>;

export const noticeAcceptedSchema = z
  .object({ id: z.string(), status: z.literal('RECEIVED') })
  .meta({ id: 'NoticeAccepted', example: { id: 'hn_3b1f0c9e8d7a6b5c4d3e2f1a', status: 'RECEIVED' } });

export const noticeViewSchema = z
  .object({
    id: z.string(),
    noticeNo: z.string(),
    kind: z.enum(['ADMISSION', 'DISCHARGE']),
    status: noticeStatusSchema,
    receivedAt: z.string(),
    decidedAt: z.string().nullable(),
    patient: z.object({ name: z.string(), idNumberMasked: z.string() }).nullable(),
    decision: z
      .object({
        eligible: z.boolean(),
        category: z.enum(['DIBAO', 'MARGINAL', 'TEKUN']).nullable(),
        reason: z.string(),
      })
      .nullable(),
    settlement: z
      .object({
        outOfPocketFen: z.number().int(),
        medicalAssistanceFen: z.number().int(),
        patientPaysFen: z.number().int(),
        annualUsedFen: z.number().int(),
        annualCapFen: z.number().int(),
      })
      .nullable(),
  })
  .meta({
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
    },
  });
export type NoticeView = z.output<typeof noticeViewSchema>;

export const postHospitalNotice = defineOperation({
  summary: 'Post an admission or discharge notice (先诊疗、后付费).',
  description:
    'Idempotent on (hospital, noticeNo): the same notice again gets the same answer; a different notice under a used number gets 409 CONFLICT. The decision follows within about a second: poll GET /hospital-notices/{id}.',
  roles: ['hospital'],
  body: { kind: 'json', schema: hospitalNoticeSchema },
  responses: { 202: { description: 'Stored; it will be decided', schema: noticeAcceptedSchema } },
});

export const getHospitalNotice = defineOperation({
  summary: 'A notice with its decision and, for a discharge, its settlement.',
  description: "Only the hospital that posted it sees it; another hospital's notice answers 404.",
  roles: ['hospital'],
  path: z.object({ id: z.string().min(1).max(64) }),
  responses: { 200: { description: 'The notice', schema: noticeViewSchema } },
});
