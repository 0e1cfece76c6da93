// Treatment first, pay later (先诊疗、后付费): which admissions are guaranteed, and the record
// a hospital notice leaves. The settlement arithmetic is in settlement.ts.
import { createHash } from 'node:crypto';
import type { HistoryEntry, Recipient, RecipientCategory } from './registry.ts';
import type { DischargeSettlement } from './settlement.ts';

export type NoticeKind = 'ADMISSION' | 'DISCHARGE';
export type NoticeStatus = 'RECEIVED' | 'GUARANTEED' | 'NOT_ELIGIBLE' | 'SETTLED' | 'REJECTED';

export interface NoticeDecision {
  eligible: boolean;
  category: RecipientCategory | null;
  reason: string;
}

export type SettlementFigures = Pick<
  DischargeSettlement,
  'outOfPocketFen' | 'medicalAssistanceFen' | 'patientPaysFen' | 'annualUsedFen' | 'annualCapFen'
>;

interface NoticeBase {
  id: string;
  hospitalId: string;
  noticeNo: string;
  /** Hash of the request as accepted, to tell a replay from a different notice with the same number. */
  requestHash: string;
  status: NoticeStatus;
  /** Present only while undecided: the key of the sparse index the requeue job reads. */
  pending?: 'RECEIVED';
  receivedAt: string;
  receivedBy: string;
  decidedAt?: string;
  decision?: NoticeDecision;
  patientIdNumber?: string;
  patientName?: string;
  history: HistoryEntry[];
}

export interface AdmissionRecord extends NoticeBase {
  kind: 'ADMISSION';
  admittedAt: string;
  diagnosis?: string;
  /** The discharge that settled this admission; one discharge per admission. */
  dischargedBy?: string;
}

export interface DischargeRecord extends NoticeBase {
  kind: 'DISCHARGE';
  admissionNoticeNo: string;
  dischargedAt: string;
  totalCostFen: number;
  insurancePaidFen: number;
  criticalIllnessPaidFen: number;
  nonCoveredFen: number;
  settlement?: SettlementFigures;
}

export type NoticeRecord = AdmissionRecord | DischargeRecord;

/** The notice's id follows from who sent it and its number, so a replay finds the same record. */
export function noticeIdFor(hospitalId: string, noticeNo: string): string {
  return `hn_${createHash('sha256').update(`${hospitalId}\u0000${noticeNo}`).digest('hex').slice(0, 24)}`;
}

export function requestHashOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Categories whose active recipients are admitted without a deposit (the source's policy). */
export const noDepositCategories: readonly RecipientCategory[] = ['DIBAO', 'TEKUN'];

export function decideAdmission(recipient: Recipient | undefined, patientName: string): NoticeDecision {
  if (!recipient) {
    return { eligible: false, category: null, reason: 'not in the recipient registry: the usual deposit applies' };
  }
  if (recipient.name.trim() !== patientName.trim()) {
    return {
      eligible: false,
      category: null,
      reason: 'the patient name does not match the registry record for this ID number: check the identity document',
    };
  }
  if (recipient.status !== 'ACTIVE') {
    return {
      eligible: false,
      category: recipient.category,
      reason: `the recipient is ${recipient.status}, not ACTIVE: the usual deposit applies`,
    };
  }
  if (!noDepositCategories.includes(recipient.category)) {
    return {
      eligible: false,
      category: recipient.category,
      reason: `${recipient.category} recipients are not covered by the no-deposit guarantee (DIBAO and TEKUN only)`,
    };
  }
  return {
    eligible: true,
    category: recipient.category,
    reason: `active ${recipient.category} recipient since ${recipient.since}: admitted without a deposit`,
  };
}
