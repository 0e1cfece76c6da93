// Treatment first, pay later (先诊疗、后付费): which admissions are guaranteed, and the record
// a hospital notice leaves. The settlement arithmetic is in settlement.ts.
import { createHash } from 'node:crypto';
import { MEDICAL_CATEGORIES } from './policy.ts';
import { pastInstantProblem } from './values.ts';
import { patientNameMatches } from './patient-names.ts';
import { standingAt } from './registry-history.ts';
import type { HistoryEntry, Recipient, RecipientCategory } from './registry.ts';
import type { DischargeSettlement } from './settlement.ts';

export type NoticeKind = 'ADMISSION' | 'DISCHARGE' | 'REVERSAL';
export type NoticeStatus =
  | 'RECEIVED'
  | 'GUARANTEED'
  | 'NOT_ELIGIBLE'
  | 'SETTLED'
  | 'REJECTED'
  | 'REVERSED'
  | 'APPLIED';

export interface NoticeDecision {
  eligible: boolean;
  /** Named only when the guarantee is granted or a discharge settles (privacy). */
  category: RecipientCategory | null;
  reason: string;
}

export type SettlementFigures = Pick<
  DischargeSettlement,
  'outOfPocketFen' | 'medicalAssistanceFen' | 'patientPaysFen' | 'annualUsedFen' | 'annualCapFen'
>;

/** What a settlement records on its discharge, and what a trial settlement shows the hospital (fen). */
export const settlementFigures = (settlement: DischargeSettlement): SettlementFigures => ({
  outOfPocketFen: settlement.outOfPocketFen,
  medicalAssistanceFen: settlement.medicalAssistanceFen,
  patientPaysFen: settlement.patientPaysFen,
  annualUsedFen: settlement.annualUsedFen,
  annualCapFen: settlement.annualCapFen,
});

/** Who undid a notice, and when: shown on the original once a REVERSAL is applied. */
export interface ReversalMark {
  noticeId: string;
  noticeNo: string;
  by: string;
  at: string;
}

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
  /** `hospitalId#YYYY-MM` of the China-time day received: the key of the daily and monthly lists. */
  hospitalMonth?: string;
  /** Set when a REVERSAL undid this notice. */
  reversed?: ReversalMark;
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
  /**
   * Internal, never shown unless granted: the category the patient was active in on the
   * admission date when this admission opened the person's stay. A discharge settles only
   * against an admission that has it (DIBAO, TEKUN or MARGINAL, guaranteed or not).
   */
  coveredCategory?: RecipientCategory;
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
  /** `idNumber#YYYY` of the cap year the settlement counted in (a reversal gives it back there). */
  personYear?: string;
}

export interface ReversalRecord extends NoticeBase {
  kind: 'REVERSAL';
  originalNoticeNo: string;
  /** The medical assistance given back to the cap (and taken off the hospital's totals). */
  reversedAssistanceFen?: number;
}

export type NoticeRecord = AdmissionRecord | DischargeRecord | ReversalRecord;

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

/**
 * The one reason for every refusal that would tell a hospital whether a person is in the
 * registry or in which category: not registered, name not matching, not active on the date,
 * a category without the guarantee, an open stay elsewhere (API.md, Hospital notices v1.1).
 */
export const neutralAdmissionReason =
  'no no-deposit guarantee for this admission: the usual deposit applies; the patient may ask the civil-affairs office';
export const neutralDischargeReason =
  'no medical assistance for this stay: the patient pays the out-of-pocket amount; the patient may ask the civil-affairs office';

export type AdmissionOutcome =
  /** Not covered on the admission date (or the name does not match): no stay is opened. */
  | { kind: 'not-covered' }
  /** Covered on the date: the stay opens; guaranteed when the category has the no-deposit rule. */
  | { kind: 'covered'; category: RecipientCategory; since: string };

/**
 * Whether the patient was covered on the admission date: the ID number is registered, the name
 * matches (patient-names.ts), and the record was ACTIVE in a category with a medical-assistance
 * share at `admittedAt` (registry-history.ts).
 */
export function admissionOutcome(recipient: Recipient | undefined, patientName: string, admittedAt: Date): AdmissionOutcome {
  if (!recipient || !patientNameMatches(recipient.name, patientName)) return { kind: 'not-covered' };
  const standing = standingAt(recipient, admittedAt);
  if (!standing || standing.status !== 'ACTIVE') return { kind: 'not-covered' };
  if (!(MEDICAL_CATEGORIES as readonly string[]).includes(standing.category)) return { kind: 'not-covered' };
  return { kind: 'covered', category: standing.category, since: standing.since };
}

/** The decision shown to the hospital for a covered admission whose stay opened. */
export function coveredAdmissionDecision(category: RecipientCategory, since: string): NoticeDecision {
  if (!noDepositCategories.includes(category)) return { eligible: false, category: null, reason: neutralAdmissionReason };
  return {
    eligible: true,
    category,
    reason: `active ${category} recipient on the admission date (since ${since}): admitted without a deposit`,
  };
}

export const notCoveredDecision: NoticeDecision = { eligible: false, category: null, reason: neutralAdmissionReason };

/**
 * Problem with a date of service (`admittedAt`, `dischargedAt`), or undefined: the shared
 * plausible-instant rule (values.ts `pastInstantProblem`: not in the future beyond the clock
 * skew of 5 minutes, not before 2000).
 */
export function serviceInstantProblem(instant: string, now: Date): string | undefined {
  return pastInstantProblem(instant, now) ?? undefined;
}
