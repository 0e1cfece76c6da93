// Hospital notices (先诊疗、后付费), as hospitals settle (API.md, "Hospital notices v1.1"):
// admissions decided on the date of service, one open stay per person, discharges settled for
// every assistance group, reversals, trial settlement, the daily list and the watch list.
import { pauseBeforeRetry } from '../retry.ts';
import { send } from '../adapters/queue.ts';
import type { HospitalNoticeRequest, NoticeView, PreSettlementRequest } from '../api/hospital-notices.ts';
import { addDays, dateInChina } from '../domain/clock.ts';
import { AppError, refusal, validationFailed } from '../domain/errors.ts';
import {
  admissionOutcome,
  coveredAdmissionDecision,
  neutralDischargeReason,
  noticeIdFor,
  notCoveredDecision,
  requestHashOf,
  serviceInstantProblem,
  settlementFigures,
  type AdmissionRecord,
  type DischargeRecord,
  type NoticeDecision,
  type NoticeRecord,
  type ReversalRecord,
} from '../domain/hospital-notices.ts';
import { maskIdNumber } from '../domain/id-number.ts';
import { loadDefaultPolicies, policyInForce, watchThresholdFen } from '../domain/policy.ts';
import { settleDischarge, type DischargeSettlement } from '../domain/settlement.ts';
import type { StartKey } from '../adapters/dynamo-pages.ts';
import type { Actor } from '../domain/actor.ts';
import type { Recipient } from '../domain/registry.ts';
import { auditEligibilityCheck } from '../observability/audit.ts';
import { countBusinessEvent } from '../observability/metrics.ts';
import {
  annualUsage,
  claimStay,
  getHospital,
  getNotice,
  hospitalNoticesBetween,
  hospitalNoticesPage,
  pendingNoticeIds,
  personYearOf,
  recordDecision,
  releaseStay,
  reverseAdmissionAtomically,
  reverseDischargeAtomically,
  settleAtomically,
  giveBackRateSlot,
  storeNewNotice,
  takeRateSlot,
  usageAtOrAbove,
  type HospitalRecord,
} from '../adapters/notice-store.ts';
import { getRecipient, getRecipients } from '../adapters/registry-store.ts';
import { tableName } from '../adapters/resources.ts';

/** Admissions (eligibility checks) a hospital may post per minute unless its record says otherwise. */
export const defaultEligibilityChecksPerMinute = 120;

/**
 * How long a container keeps a hospital's record (designation, allowance): every notice POST and
 * read needs it, and a read a request was a tenth of the notices' DynamoDB calls. A change to a
 * hospital's record takes effect within this time.
 */
export const hospitalRecordCacheMs = 60_000;
const hospitalRecords = new Map<string, { record: HospitalRecord; until: number }>();

async function hospitalRecordOf(hospitalId: string): Promise<HospitalRecord | undefined> {
  // Keyed by table as well: a test process runs several stacks, each with its own tables.
  const key = `${tableName('hospitals')}/${hospitalId}`;
  const cached = hospitalRecords.get(key);
  if (cached && cached.until > Date.now()) return cached.record;
  const record = await getHospital(hospitalId);
  // A hospital not (yet) designated is asked again next time: designating one takes effect at once.
  if (record) hospitalRecords.set(key, { record, until: Date.now() + hospitalRecordCacheMs });
  return record;
}

async function designatedHospitalOf(actor: Actor): Promise<HospitalRecord> {
  const hospital = actor.hospitalId ? await hospitalRecordOf(actor.hospitalId) : undefined;
  if (!hospital) {
    throw refusal('FORBIDDEN', 'HOSPITAL_NOT_DESIGNATED', { hospitalId: actor.hospitalId ?? '(none)' });
  }
  return hospital;
}

/** `hospitalId#YYYY-MM` of the China-time day of `instant`: the daily and monthly lists' key. */
export function hospitalMonthOf(hospitalId: string, instant: Date): string {
  return `${hospitalId}#${dateInChina(instant).slice(0, 7)}`;
}

function checkServiceDates(request: HospitalNoticeRequest, now: Date): void {
  const field = request.kind === 'ADMISSION' ? 'admittedAt' : request.kind === 'DISCHARGE' ? 'dischargedAt' : undefined;
  if (!field) return;
  const problem = serviceInstantProblem((request as Record<string, string>)[field]!, now);
  if (problem) throw validationFailed([{ path: field, message: problem }]);
}

/**
 * Stores the notice as RECEIVED and queues it. Idempotent on (hospital, noticeNo): the same
 * notice again answers as the first time and queues it again while it is still undecided, so
 * a retry after a failed enqueue recovers; a different notice under the same number is a 409.
 * A date of service in the future is a 400; admissions beyond the hospital's per-minute
 * allowance are a 429 (a replay of a stored notice is never counted). `onStored` is called once
 * the notice is known to be stored (new or found), before it is queued.
 */
export async function receiveNotice(request: HospitalNoticeRequest, actor: Actor, now: Date, onStored?: () => void) {
  const hospital = await designatedHospitalOf(actor);
  const hospitalId = hospital.hospitalId;
  checkServiceDates(request, now);
  const id = noticeIdFor(hospitalId, request.noticeNo);
  const at = now.toISOString();
  const base = {
    id,
    hospitalId,
    noticeNo: request.noticeNo,
    requestHash: requestHashOf(request),
    status: 'RECEIVED' as const,
    pending: 'RECEIVED' as const,
    receivedAt: at,
    receivedBy: actor.sub,
    hospitalMonth: hospitalMonthOf(hospitalId, now),
    history: [{ at, by: actor.sub, action: 'RECEIVED', reason: `${request.kind} notice from ${hospitalId}` }],
  };
  let record: NoticeRecord;
  if (request.kind === 'ADMISSION') {
    record = {
      ...base,
      kind: 'ADMISSION',
      patientIdNumber: request.patient.idNumber,
      patientName: request.patient.name,
      admittedAt: request.admittedAt,
      diagnosis: request.diagnosis,
    };
  } else if (request.kind === 'DISCHARGE') {
    record = {
      ...base,
      kind: 'DISCHARGE',
      admissionNoticeNo: request.admissionNoticeNo,
      dischargedAt: request.dischargedAt,
      totalCostFen: request.totalCostFen,
      insurancePaidFen: request.insurancePaidFen,
      criticalIllnessPaidFen: request.criticalIllnessPaidFen,
      nonCoveredFen: request.nonCoveredFen,
    };
  } else {
    record = { ...base, kind: 'REVERSAL', originalNoticeNo: request.originalNoticeNo };
  }

  // An admission takes a slot of the allowance before the conditional put, so a new admission
  // costs two calls and no read (issue 14). A replay gives its slot back; a refused slot is
  // answered as a 429 only when no notice is stored under the number (a replay is never refused).
  const minute = at.slice(0, 16);
  let slotTaken = false;
  let existing: NoticeRecord | undefined;
  if (request.kind === 'ADMISSION') {
    const limit = hospital.eligibilityChecksPerMinute ?? defaultEligibilityChecksPerMinute;
    slotTaken = await takeRateSlot(hospitalId, minute, limit);
    if (!slotTaken) {
      existing = await getNotice(id);
      if (!existing) throw new AppError('RATE_LIMITED', `more than ${limit} admissions a minute from ${hospitalId}: retry in a minute`);
    }
  }
  const stored = existing ?? (await storeNewNotice(record));
  if (stored !== 'stored') {
    if (slotTaken) await giveBackRateSlot(hospitalId, minute);
    onStored?.();
    if (stored.requestHash !== record.requestHash) {
      throw new AppError('CONFLICT', `notice ${request.noticeNo} was already received with different content`, [
        { path: 'noticeNo', message: 'already used for a different notice' },
      ]);
    }
    if (stored.status === 'RECEIVED') await send('hospitalNotices', { id });
    return { id, status: 'RECEIVED' as const };
  }
  onStored?.();
  await send('hospitalNotices', { id });
  return { id, status: 'RECEIVED' as const };
}

/** The longest `Prefer: wait` honoured (API.md: N ≤ 5). */
export const maxPreferWaitSeconds = 5;

/** Seconds asked for by an RFC 7240 `Prefer` header (`wait=N`), capped; undefined when absent. */
export function preferredWaitSeconds(prefer: string | undefined): number | undefined {
  if (!prefer) return undefined;
  for (const preference of prefer.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(;.*)?$/i.exec(preference);
    if (match) return Math.min(Number(match[1]), maxPreferWaitSeconds);
  }
  return undefined;
}

/**
 * POST /hospital-notices: receives the notice; with `Prefer: wait=N` also decides it in the
 * request (the worker's decision is the same and conditional, so whichever comes first wins)
 * and answers 200 with the decided notice when that took at most N seconds, else 202.
 * `answerBy` (epoch ms): the latest moment to answer (the function's own deadline, less a
 * margin); what is answered then: receiveNoticeBy.
 */
export async function postNotice(request: HospitalNoticeRequest, actor: Actor, now: Date, waitSeconds: number | undefined, answerBy?: number) {
  let timer: NodeJS.Timeout | undefined;
  const late =
    answerBy === undefined
      ? undefined
      : new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, answerBy - Date.now()));
        });
  let accepted;
  try {
    accepted = await receiveNoticeBy(request, actor, now, late);
  } finally {
    clearTimeout(timer);
  }
  if (!waitSeconds) return { status: 202, body: accepted };
  const deadline = Math.min(Date.now() + waitSeconds * 1000, answerBy ?? Infinity);
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), Math.max(0, deadline - Date.now()));
  });
  try {
    // A failure here leaves the notice to the worker: the client still gets its 202.
    const decided = await Promise.race([decideNotice(accepted.id, new Date()).catch(() => 'failed'), timedOut]);
    if (decided !== 'timed-out' && decided !== 'failed' && Date.now() <= deadline) {
      const notice = await getNotice(accepted.id);
      if (notice && notice.status !== 'RECEIVED') return { status: 200, body: toView(notice) };
    }
  } finally {
    clearTimeout(timer);
  }
  return { status: 202, body: accepted };
}

/**
 * receiveNotice's answer, or when `late` settles first: the 202's body if the notice is stored
 * by then (its queueing goes on; the requeue job queues a stored notice whose message was never
 * sent), else an AppError INTERNAL (500) that says to post again with the same noticeNo, which
 * answers the notice if it was stored meanwhile.
 */
export async function receiveNoticeBy(request: HospitalNoticeRequest, actor: Actor, now: Date, late: Promise<unknown> | undefined) {
  let stored = false;
  const receiving = receiveNotice(request, actor, now, () => {
    stored = true;
  });
  if (!late) return receiving;
  const first = await Promise.race([receiving, late.then(() => 'late' as const)]);
  if (first !== 'late') return first;
  // Still running: it goes on storing and queueing; an error it meets now has no one to answer.
  receiving.catch(() => undefined);
  if (stored) return { id: noticeIdFor(actor.hospitalId ?? '', request.noticeNo), status: 'RECEIVED' as const };
  throw new AppError('INTERNAL', `notice ${request.noticeNo} was not stored in time; it may still be: post it again with the same noticeNo, which answers the stored notice`);
}

function toView(notice: NoticeRecord): NoticeView {
  return {
    id: notice.id,
    noticeNo: notice.noticeNo,
    kind: notice.kind,
    status: notice.status,
    receivedAt: notice.receivedAt,
    decidedAt: notice.decidedAt ?? null,
    patient:
      notice.patientIdNumber && notice.patientName
        ? { name: notice.patientName, idNumberMasked: maskIdNumber(notice.patientIdNumber) }
        : null,
    decision: notice.decision ?? null,
    settlement: notice.kind === 'DISCHARGE' ? (notice.settlement ?? null) : null,
    admissionNoticeNo: notice.kind === 'DISCHARGE' ? notice.admissionNoticeNo : null,
    originalNoticeNo: notice.kind === 'REVERSAL' ? notice.originalNoticeNo : null,
    reversedAssistanceFen: notice.kind === 'REVERSAL' ? (notice.reversedAssistanceFen ?? null) : null,
    reversed: notice.reversed ? { noticeNo: notice.reversed.noticeNo, by: notice.reversed.by, at: notice.reversed.at } : null,
  };
}

export async function viewNotice(id: string, actor: Actor): Promise<NoticeView> {
  const { hospitalId } = await designatedHospitalOf(actor);
  const notice = await getNotice(id);
  // Another hospital's notice is answered as if it did not exist.
  if (!notice || notice.hospitalId !== hospitalId) throw new AppError('NOT_FOUND', `notice ${id} does not exist`);
  return toView(notice);
}

const system = 'tuodi:hospital-notice-worker';

/** A decision this call recorded (not one found made): counted as NoticesDecided by its outcome. */
function decided<O extends string>(outcome: O): O {
  countBusinessEvent('NoticesDecided', outcome);
  return outcome;
}

/**
 * The reads a decision makes, each with getNotice's, getRecipient's and annualUsage's answer and
 * consistency: one call each (readOneByOne), or the decide worker's readers that send a batch's
 * reads of one step as one BatchGetItem per table (notice-reads-together.ts).
 */
export interface DecideReads {
  notice(id: string): Promise<NoticeRecord | undefined>;
  recipient(idNumber: string): Promise<Recipient | undefined>;
  usage(personYear: string): Promise<{ usedFen: number; exists: boolean }>;
}
export const readOneByOne: DecideReads = { notice: getNotice, recipient: getRecipient, usage: annualUsage };

/**
 * Decides a received notice; a notice already decided is left as it is (redelivery). `reads` says
 * how its reads travel (the worker passes decideReadsTogether); every write stays conditional, so
 * they decide only how reads travel, not what is decided.
 */
export async function decideNotice(id: string, now: Date, reads: DecideReads = readOneByOne): Promise<string> {
  const notice = await reads.notice(id);
  if (!notice) throw new Error(`notice ${id} does not exist`);
  if (notice.status !== 'RECEIVED') return 'already-decided';
  if (notice.kind === 'ADMISSION') return decideAdmissionNotice(notice, now, reads);
  if (notice.kind === 'DISCHARGE') return settleDischargeNotice(notice, now, reads);
  return applyReversal(notice, now);
}

/** An admission's stay is open while it holds a covered category, is not discharged and not reversed. */
function isOpenStay(admission: NoticeRecord | undefined): boolean {
  if (!admission || admission.kind !== 'ADMISSION') return false;
  if (admission.status === 'RECEIVED') return true; // it claimed the stay and is being decided
  return Boolean(admission.coveredCategory) && admission.status !== 'REVERSED' && !admission.dischargedBy;
}

/**
 * Makes this admission the person's open stay, unless another admission's stay is open:
 * a stay item per person, claimed conditionally, so two admissions at once cannot both open
 * one. A holder whose stay has closed (discharged, reversed) is taken over.
 */
async function openStay(idNumber: string, admissionId: string): Promise<boolean> {
  let holder = await claimStay(idNumber, admissionId);
  for (let attempt = 0; attempt < 5 && holder !== admissionId; attempt++) {
    if (isOpenStay(await getNotice(holder))) return false;
    holder = await claimStay(idNumber, admissionId, holder);
  }
  return holder === admissionId;
}

async function decideAdmissionNotice(notice: AdmissionRecord, now: Date, reads: DecideReads = readOneByOne): Promise<string> {
  const recipient = await reads.recipient(notice.patientIdNumber!);
  const outcome = admissionOutcome(recipient, notice.patientName!, new Date(notice.admittedAt));
  let decision: NoticeDecision = notCoveredDecision;
  let coveredCategory: AdmissionRecord['coveredCategory'];
  let detail = 'not covered on the admission date (not registered, name not matching, or not active)';
  if (outcome.kind === 'covered') {
    if (await openStay(notice.patientIdNumber!, notice.id)) {
      coveredCategory = outcome.category;
      decision = coveredAdmissionDecision(outcome.category, outcome.since);
      detail = `${outcome.category} on the admission date; stay opened`;
    } else {
      detail = `${outcome.category} on the admission date; another stay is open`;
    }
  }
  const at = now.toISOString();
  const status = decision.eligible ? 'GUARANTEED' : 'NOT_ELIGIBLE';
  const recorded = await recordDecision(notice.id, {
    status,
    decision,
    decidedAt: at,
    entry: { at, by: system, action: status, reason: `${decision.reason} [${detail}]` },
    extra: { coveredCategory },
  });
  if (!recorded) {
    // Decided elsewhere meanwhile (the worker and a `Prefer: wait` request): keep that decision.
    return 'already-decided';
  }
  auditEligibilityCheck({
    hospitalId: notice.hospitalId,
    noticeId: notice.id,
    at,
    idNumberMasked: maskIdNumber(notice.patientIdNumber!),
    outcome: status,
    detail,
  });
  return decided(status);
}

async function reject(notice: DischargeRecord | ReversalRecord, reason: string, now: Date): Promise<string> {
  const at = now.toISOString();
  const recorded = await recordDecision(notice.id, {
    status: 'REJECTED',
    decision: { eligible: false, category: null, reason },
    decidedAt: at,
    entry: { at, by: system, action: 'REJECTED', reason },
  });
  return recorded ? decided('REJECTED') : 'already-decided';
}

const maxSettleAttempts = 50;

type DischargeFigures = Pick<
  DischargeRecord,
  'admissionNoticeNo' | 'dischargedAt' | 'totalCostFen' | 'insurancePaidFen' | 'criticalIllnessPaidFen' | 'nonCoveredFen'
>;

type Settleable =
  | { ok: true; admission: AdmissionRecord & { coveredCategory: NonNullable<AdmissionRecord['coveredCategory']> }; serviceDate: string; policy: ReturnType<typeof policyInForce>; personYear: string }
  | { ok: false; reason: string };

/**
 * Whether a discharge of `hospitalId` can settle, and under what: its admission at the same
 * hospital (decided first if still undecided), open for this discharge, with a covered
 * category on the admission date; the policy and cap year of the discharge date. Refusals
 * that would reveal registry membership carry the neutral reason.
 */
async function settleable(
  hospitalId: string,
  discharge: DischargeFigures,
  dischargeId: string | undefined,
  now: Date,
  reads: DecideReads = readOneByOne,
): Promise<Settleable> {
  const admissionId = noticeIdFor(hospitalId, discharge.admissionNoticeNo);
  let admission = await reads.notice(admissionId);
  if (!admission || admission.kind !== 'ADMISSION') {
    return { ok: false, reason: `no admission notice ${discharge.admissionNoticeNo} from this hospital` };
  }
  if (admission.status === 'RECEIVED') {
    // The admission was posted but not yet decided: decide it first rather than wait for its message.
    await decideAdmissionNotice(admission, now, reads);
    admission = (await getNotice(admissionId)) as AdmissionRecord;
  }
  if (admission.status === 'REVERSED') {
    return { ok: false, reason: `admission ${discharge.admissionNoticeNo} was reversed: its stay is closed` };
  }
  if (admission.dischargedBy && admission.dischargedBy !== dischargeId) {
    return { ok: false, reason: `admission ${discharge.admissionNoticeNo} has already been settled by another discharge` };
  }
  if (Date.parse(discharge.dischargedAt) < Date.parse(admission.admittedAt)) {
    return { ok: false, reason: `dischargedAt is before the admission's admittedAt (${admission.admittedAt})` };
  }
  if (!admission.coveredCategory) return { ok: false, reason: neutralDischargeReason };
  const serviceDate = dateInChina(new Date(discharge.dischargedAt));
  let policy;
  try {
    policy = policyInForce(loadDefaultPolicies(), serviceDate);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return {
    ok: true,
    admission: admission as AdmissionRecord & { coveredCategory: NonNullable<AdmissionRecord['coveredCategory']> },
    serviceDate,
    policy,
    personYear: personYearOf(admission.patientIdNumber!, serviceDate.slice(0, 4)),
  };
}

function settlementOf(discharge: DischargeFigures, category: NonNullable<AdmissionRecord['coveredCategory']>, annualUsedFen: number, policy: ReturnType<typeof policyInForce>): DischargeSettlement {
  return settleDischarge(
    {
      category,
      totalCostFen: discharge.totalCostFen,
      insurancePaidFen: discharge.insurancePaidFen,
      criticalIllnessPaidFen: discharge.criticalIllnessPaidFen,
      nonCoveredFen: discharge.nonCoveredFen,
      annualUsedFen,
    },
    policy,
  );
}

async function settleDischargeNotice(notice: DischargeRecord, now: Date, reads: DecideReads): Promise<string> {
  const ready = await settleable(notice.hospitalId, notice, notice.id, now, reads);
  if (!ready.ok) return reject(notice, ready.reason, now);
  const { admission, policy, personYear } = ready;
  for (let attempt = 0; attempt < maxSettleAttempts; attempt++) {
    const usageBefore = await reads.usage(personYear);
    const result = settlementOf(notice, admission.coveredCategory, usageBefore.usedFen, policy);
    const at = new Date().toISOString();
    const outcome = await settleAtomically({
      dischargeId: notice.id,
      admissionId: admission.id,
      personYear,
      usageBefore,
      usedAfterFen: result.annualUsedFen,
      settlement: settlementFigures(result),
      decided: {
        status: 'SETTLED',
        decision: { eligible: true, category: admission.coveredCategory, reason: result.reason },
        decidedAt: at,
        entry: { at, by: system, action: 'SETTLED', reason: result.reason },
        patient: { idNumber: admission.patientIdNumber!, name: admission.patientName! },
      },
    });
    if (outcome === 'settled') {
      await releaseStay(admission.patientIdNumber!, admission.id);
      return decided('SETTLED');
    }
    if (outcome === 'already-decided') return 'already-decided';
    if (outcome === 'admission-already-discharged') {
      // Settled by another discharge, or reversed, meanwhile: decide again on what it is now.
      const again = await settleable(notice.hospitalId, notice, notice.id, now);
      return reject(notice, again.ok ? `admission ${notice.admissionNoticeNo} changed while settling; post the discharge again` : again.reason, now);
    }
    await pauseBeforeRetry(attempt, { capMs: 200 });
  }
  throw new Error(`notice ${notice.id}: the annual usage kept changing; will be retried`);
}

/**
 * Applies a REVERSAL: undoes the same hospital's earlier discharge (SETTLED) or admission
 * (without a settled discharge). An undecided original is decided first, so that what is
 * undone is what the hospital was told. Anything else is REJECTED with the reason.
 */
async function applyReversal(notice: ReversalRecord, now: Date): Promise<string> {
  const originalId = noticeIdFor(notice.hospitalId, notice.originalNoticeNo);
  for (let attempt = 0; attempt < maxSettleAttempts; attempt++) {
    const original = await getNotice(originalId);
    if (!original) return reject(notice, `no notice ${notice.originalNoticeNo} from this hospital`, now);
    if (original.kind === 'REVERSAL') return reject(notice, `notice ${notice.originalNoticeNo} is a reversal: it cannot be reversed`, now);
    if (original.status === 'RECEIVED') {
      await decideNotice(original.id, now);
      continue;
    }
    if (original.status === 'REVERSED') {
      return reject(notice, `notice ${notice.originalNoticeNo} was already reversed by notice ${original.reversed?.noticeNo}`, now);
    }
    const at = new Date().toISOString();
    const mark = { noticeId: notice.id, noticeNo: notice.noticeNo, by: notice.receivedBy, at };
    let outcome;
    if (original.kind === 'DISCHARGE') {
      if (original.status !== 'SETTLED' || !original.settlement || !original.personYear) {
        return reject(notice, `discharge ${notice.originalNoticeNo} did not settle: there is nothing to reverse`, now);
      }
      const amount = original.settlement.medicalAssistanceFen;
      const reason = `reversed discharge ${original.noticeNo}: ${amount} fen of medical assistance given back to the annual cap; admission ${original.admissionNoticeNo} can be discharged again`;
      outcome = await reverseDischargeAtomically({
        reversalId: notice.id,
        discharge: original,
        admissionId: noticeIdFor(notice.hospitalId, original.admissionNoticeNo),
        mark,
        decided: appliedReversal(reason, at, amount),
      });
    } else {
      if (original.dischargedBy) {
        return reject(notice, `admission ${original.noticeNo} has a settled discharge: reverse the discharge first`, now);
      }
      const reason = `reversed admission ${original.noticeNo}: its stay is closed`;
      outcome = await reverseAdmissionAtomically({
        reversalId: notice.id,
        admission: original,
        mark,
        decided: appliedReversal(reason, at, 0),
      });
      if (outcome === 'applied' && original.patientIdNumber) await releaseStay(original.patientIdNumber, original.id);
    }
    if (outcome === 'applied') {
      if (original.kind === 'DISCHARGE' && original.patientIdNumber) {
        // The stay is open again for the corrected discharge: hold it, unless the person has
        // been admitted elsewhere since (the correction still settles against this admission).
        await openStay(original.patientIdNumber, noticeIdFor(notice.hospitalId, original.admissionNoticeNo));
      }
      return decided('APPLIED');
    }
    if (outcome === 'reversal-already-decided') return 'already-decided';
    // The original moved (a discharge settled, another reversal): look again.
  }
  throw new Error(`notice ${notice.id}: the original kept changing; will be retried`);
}

/**
 * Trial settlement (预结算): what a discharge with this body would settle as now; nothing is
 * stored or counted. A discharge that would be rejected answers `settlement: null` and why.
 */
export async function preSettle(request: PreSettlementRequest, actor: Actor, now: Date) {
  const hospital = await designatedHospitalOf(actor);
  const hospitalId = hospital.hospitalId;
  const problem = serviceInstantProblem(request.dischargedAt, now);
  if (problem) throw validationFailed([{ path: 'dischargedAt', message: problem }]);
  // A trial names the category's share: it counts as an eligibility check (allowance and audit).
  const limit = hospital.eligibilityChecksPerMinute ?? defaultEligibilityChecksPerMinute;
  if (!(await takeRateSlot(hospitalId, now.toISOString().slice(0, 16), limit))) {
    throw new AppError('RATE_LIMITED', `more than ${limit} eligibility checks a minute from ${hospitalId}: retry in a minute`);
  }
  const admission = await getNotice(noticeIdFor(hospitalId, request.admissionNoticeNo));
  auditEligibilityCheck({
    hospitalId,
    noticeId: admission?.id ?? '(no admission)',
    at: now.toISOString(),
    idNumberMasked: admission?.patientIdNumber ? maskIdNumber(admission.patientIdNumber) : '(unknown)',
    outcome: 'PRE_SETTLEMENT',
    detail: `trial settlement against admission ${request.admissionNoticeNo}`,
  });
  if (admission?.status === 'RECEIVED') {
    return { settlement: null, decision: { eligible: false, category: null, reason: 'the admission is still being decided: try again in a moment' } };
  }
  const ready = await settleable(hospitalId, request, undefined, now);
  if (!ready.ok) return { settlement: null, decision: { eligible: false, category: null, reason: ready.reason } };
  const usage = await annualUsage(ready.personYear);
  const result = settlementOf(request, ready.admission.coveredCategory, usage.usedFen, ready.policy);
  return {
    settlement: settlementFigures(result),
    decision: { eligible: true, category: ready.admission.coveredCategory, reason: `trial settlement, nothing recorded: ${result.reason}` },
  };
}

/** A reversal's decision: APPLIED, with why and the medical assistance it gave back to the annual cap (fen). */
function appliedReversal(reason: string, at: string, reversedAssistanceFen: number) {
  return {
    status: 'APPLIED' as const,
    decision: { eligible: true, category: null, reason },
    decidedAt: at,
    entry: { at, by: system, action: 'APPLIED', reason },
    extra: { reversedAssistanceFen },
  };
}

/** [from, to] instants (ISO, UTC) of a China-time day: the bounds of `receivedAt` on that day. */
function chinaDayBounds(date: string): { from: string; to: string } {
  const from = new Date(`${date}T00:00:00+08:00`);
  const to = new Date(new Date(`${addDays(date, 1)}T00:00:00+08:00`).getTime() - 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

export interface AssistanceTotals {
  settled: number;
  reversed: number;
  medicalAssistanceFen: number;
}

/**
 * Totals of a hospital's notices: discharges that settled (also those later reversed) add
 * their medical assistance, applied reversals of discharges take theirs off, on the day each
 * notice was received. A month of daily totals is what the hospital is reimbursed.
 */
export function assistanceTotals(notices: readonly NoticeRecord[]): AssistanceTotals {
  const totals = { settled: 0, reversed: 0, medicalAssistanceFen: 0 };
  for (const notice of notices) {
    if (notice.kind === 'DISCHARGE' && notice.settlement && (notice.status === 'SETTLED' || notice.status === 'REVERSED')) {
      totals.settled++;
      totals.medicalAssistanceFen += notice.settlement.medicalAssistanceFen;
    } else if (notice.kind === 'REVERSAL' && notice.status === 'APPLIED') {
      totals.reversed++;
      totals.medicalAssistanceFen -= notice.reversedAssistanceFen ?? 0;
    }
  }
  return totals;
}

/** A hospital's medical assistance fronted in a China-time month (YYYY-MM), net of reversals. */
export async function monthlyAssistanceTotals(hospitalId: string, month: string): Promise<AssistanceTotals> {
  const first = `${month}-01`;
  const { from } = chinaDayBounds(first);
  const nextMonth = addDays(`${month}-28`, 4).slice(0, 7);
  const { from: nextFrom } = chinaDayBounds(`${nextMonth}-01`);
  const to = new Date(Date.parse(nextFrom) - 1).toISOString();
  return assistanceTotals(await hospitalNoticesBetween(`${hospitalId}#${month}`, from, to));
}

/** GET /hospital-notices?date=: the calling hospital's notices received that China-time day, with totals. */
export async function listDay(query: { date: string; limit: number }, actor: Actor, startKey: StartKey | undefined) {
  const { hospitalId } = await designatedHospitalOf(actor);
  const { from, to } = chinaDayBounds(query.date);
  const hospitalMonth = `${hospitalId}#${query.date.slice(0, 7)}`;
  const page = await hospitalNoticesPage(hospitalMonth, from, to, query.limit, startKey);
  const totals = assistanceTotals(await hospitalNoticesBetween(hospitalMonth, from, to));
  return { date: query.date, items: page.items.map(toView), lastKey: page.lastKey, totals };
}

/**
 * The watch list (因病致贫返贫监测) for `year`: registry recipients whose out-of-pocket
 * payments at discharges settled in the year (net of reversals) reached the threshold of the
 * policy in force at the year's end (or today, for the current year).
 */
export async function watchList(year: string, now: Date) {
  const today = dateInChina(now);
  const asOf = `${year}-12-31` < today ? `${year}-12-31` : today;
  let policy;
  try {
    policy = policyInForce(loadDefaultPolicies(), asOf);
  } catch {
    policy = policyInForce(loadDefaultPolicies(), today); // a year before the first policy version
  }
  const thresholdFen = watchThresholdFen(policy);
  const rows = await usageAtOrAbove(year, thresholdFen);
  const recipients = new Map((await getRecipients(rows.map((r) => r.idNumber))).map((r) => [r.idNumber, r]));
  const items = rows
    .filter((row) => recipients.has(row.idNumber))
    .map((row) => {
      const r = recipients.get(row.idNumber)!;
      return {
        idNumberMasked: maskIdNumber(r.idNumber),
        name: r.name,
        householdId: r.householdId,
        category: r.category,
        patientPaysFen: row.patientPaysFen,
      };
    })
    .sort((a, b) => b.patientPaysFen - a.patientPaysFen);
  return { year, thresholdFen, items };
}

/** Queues again the notices still undecided after a grace period (an enqueue that failed). */
export async function requeuePendingNotices(now: Date, graceSeconds = 120): Promise<number> {
  const ids = await pendingNoticeIds(new Date(now.getTime() - graceSeconds * 1000).toISOString());
  for (const id of ids) await send('hospitalNotices', { id });
  return ids.length;
}
