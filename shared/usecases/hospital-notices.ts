import type { HospitalNoticeRequest, NoticeView } from '../api/hospital-notices.ts';
import { dateInChina } from '../domain/clock.ts';
import { AppError } from '../domain/errors.ts';
import {
  decideAdmission,
  noticeIdFor,
  requestHashOf,
  type AdmissionRecord,
  type DischargeRecord,
  type NoticeRecord,
} from '../domain/hospital-notices.ts';
import { maskIdNumber } from '../domain/id-number.ts';
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import { settleDischarge } from '../domain/settlement.ts';
import type { Actor } from '../http/route.ts';
import {
  annualUsage,
  enqueueNotice,
  getNotice,
  pendingNoticeIds,
  recordDecision,
  settleAtomically,
  storeNewNotice,
} from '../adapters/notice-store.ts';
import { getRecipient, isDesignatedHospital } from '../adapters/registry-store.ts';

async function designatedHospitalOf(actor: Actor): Promise<string> {
  const hospitalId = actor.hospitalId;
  if (!hospitalId || !(await isDesignatedHospital(hospitalId))) {
    throw new AppError('FORBIDDEN', `hospital ${hospitalId ?? '(none)'} is not a designated hospital`);
  }
  return hospitalId;
}

/**
 * Stores the notice as RECEIVED and queues it. Idempotent on (hospital, noticeNo): the same
 * notice again answers as the first time and queues it again while it is still undecided, so
 * a retry after a failed enqueue recovers; a different notice under the same number is a 409.
 */
export async function receiveNotice(request: HospitalNoticeRequest, actor: Actor, now: Date) {
  const hospitalId = await designatedHospitalOf(actor);
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
    history: [{ at, by: actor.sub, action: 'RECEIVED', reason: `${request.kind} notice from ${hospitalId}` }],
  };
  const record: NoticeRecord =
    request.kind === 'ADMISSION'
      ? {
          ...base,
          kind: 'ADMISSION',
          patientIdNumber: request.patient.idNumber,
          patientName: request.patient.name,
          admittedAt: request.admittedAt,
          diagnosis: request.diagnosis,
        }
      : {
          ...base,
          kind: 'DISCHARGE',
          admissionNoticeNo: request.admissionNoticeNo,
          dischargedAt: request.dischargedAt,
          totalCostFen: request.totalCostFen,
          insurancePaidFen: request.insurancePaidFen,
          criticalIllnessPaidFen: request.criticalIllnessPaidFen,
          nonCoveredFen: request.nonCoveredFen,
        };

  const stored = await storeNewNotice(record);
  if (stored !== 'stored') {
    if (stored.requestHash !== record.requestHash) {
      throw new AppError('CONFLICT', `notice ${request.noticeNo} was already received with different content`, [
        { path: 'noticeNo', message: 'already used for a different notice' },
      ]);
    }
    if (stored.status === 'RECEIVED') await enqueueNotice(id);
    return { id, status: 'RECEIVED' as const };
  }
  await enqueueNotice(id);
  return { id, status: 'RECEIVED' as const };
}

export async function viewNotice(id: string, actor: Actor): Promise<NoticeView> {
  const hospitalId = await designatedHospitalOf(actor);
  const notice = await getNotice(id);
  // Another hospital's notice is answered as if it did not exist.
  if (!notice || notice.hospitalId !== hospitalId) throw new AppError('NOT_FOUND', `notice ${id} does not exist`);
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
  };
}

const system = 'tuodi:hospital-notice-worker';

/** Decides a received notice; a notice already decided is left as it is (redelivery). */
export async function decideNotice(id: string, now: Date): Promise<string> {
  const notice = await getNotice(id);
  if (!notice) throw new Error(`notice ${id} does not exist`);
  if (notice.status !== 'RECEIVED') return 'already-decided';
  return notice.kind === 'ADMISSION' ? decideAdmissionNotice(notice, now) : settleDischargeNotice(notice, now);
}

async function decideAdmissionNotice(notice: AdmissionRecord, now: Date): Promise<string> {
  const recipient = await getRecipient(notice.patientIdNumber!);
  const decision = decideAdmission(recipient, notice.patientName!);
  const at = now.toISOString();
  const recorded = await recordDecision(notice.id, {
    status: decision.eligible ? 'GUARANTEED' : 'NOT_ELIGIBLE',
    decision,
    decidedAt: at,
    entry: { at, by: system, action: decision.eligible ? 'GUARANTEED' : 'NOT_ELIGIBLE', reason: decision.reason },
  });
  return recorded ? (decision.eligible ? 'GUARANTEED' : 'NOT_ELIGIBLE') : 'already-decided';
}

async function reject(notice: DischargeRecord, reason: string, now: Date): Promise<string> {
  const at = now.toISOString();
  const recorded = await recordDecision(notice.id, {
    status: 'REJECTED',
    decision: { eligible: false, category: null, reason },
    decidedAt: at,
    entry: { at, by: system, action: 'REJECTED', reason },
  });
  return recorded ? 'REJECTED' : 'already-decided';
}

const maxSettleAttempts = 50;

async function settleDischargeNotice(notice: DischargeRecord, now: Date): Promise<string> {
  const admissionId = noticeIdFor(notice.hospitalId, notice.admissionNoticeNo);
  let admission = await getNotice(admissionId);
  if (!admission || admission.kind !== 'ADMISSION') {
    return reject(notice, `no admission notice ${notice.admissionNoticeNo} from this hospital`, now);
  }
  if (admission.status === 'RECEIVED') {
    // The admission was posted but not yet decided: decide it first rather than wait for its message.
    await decideAdmissionNotice(admission, now);
    admission = (await getNotice(admissionId)) as AdmissionRecord;
  }
  if (admission.status !== 'GUARANTEED' || !admission.decision?.category) {
    return reject(notice, `admission ${notice.admissionNoticeNo} was not guaranteed: ${admission.decision?.reason ?? ''}`, now);
  }
  if (admission.dischargedBy && admission.dischargedBy !== notice.id) {
    return reject(notice, `admission ${notice.admissionNoticeNo} has already been settled by another discharge`, now);
  }
  if (Date.parse(notice.dischargedAt) < Date.parse(admission.admittedAt)) {
    return reject(notice, `dischargedAt is before the admission's admittedAt (${admission.admittedAt})`, now);
  }
  const serviceDate = dateInChina(new Date(notice.dischargedAt));
  let policy;
  try {
    policy = policyInForce(loadDefaultPolicies(), serviceDate);
  } catch (error) {
    return reject(notice, (error as Error).message, now);
  }
  const personYear = `${admission.patientIdNumber}#${serviceDate.slice(0, 4)}`;
  for (let attempt = 0; attempt < maxSettleAttempts; attempt++) {
    const usageBefore = await annualUsage(personYear);
    const result = settleDischarge(
      {
        category: admission.decision.category,
        totalCostFen: notice.totalCostFen,
        insurancePaidFen: notice.insurancePaidFen,
        criticalIllnessPaidFen: notice.criticalIllnessPaidFen,
        nonCoveredFen: notice.nonCoveredFen,
        annualUsedFen: usageBefore.usedFen,
      },
      policy,
    );
    const at = new Date().toISOString();
    const outcome = await settleAtomically({
      dischargeId: notice.id,
      admissionId,
      personYear,
      usageBefore,
      usedAfterFen: result.annualUsedFen,
      settlement: {
        outOfPocketFen: result.outOfPocketFen,
        medicalAssistanceFen: result.medicalAssistanceFen,
        patientPaysFen: result.patientPaysFen,
        annualUsedFen: result.annualUsedFen,
        annualCapFen: result.annualCapFen,
      },
      decided: {
        status: 'SETTLED',
        decision: { eligible: true, category: admission.decision.category, reason: result.reason },
        decidedAt: at,
        entry: { at, by: system, action: 'SETTLED', reason: result.reason },
        patient: { idNumber: admission.patientIdNumber!, name: admission.patientName! },
      },
    });
    if (outcome === 'settled') return 'SETTLED';
    if (outcome === 'already-decided') return 'already-decided';
    if (outcome === 'admission-already-discharged') {
      return reject(notice, `admission ${notice.admissionNoticeNo} has already been settled by another discharge`, now);
    }
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
  }
  throw new Error(`notice ${notice.id}: the annual usage kept changing; will be retried`);
}

/** Queues again the notices still undecided after a grace period (an enqueue that failed). */
export async function requeuePendingNotices(now: Date, graceSeconds = 120): Promise<number> {
  const ids = await pendingNoticeIds(new Date(now.getTime() - graceSeconds * 1000).toISOString());
  for (const id of ids) await enqueueNotice(id);
  return ids.length;
}
