import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryEntry } from '../domain/registry.ts';
import type {
  AdmissionRecord,
  DischargeRecord,
  NoticeDecision,
  NoticeRecord,
  NoticeStatus,
  ReversalMark,
  SettlementFigures,
} from '../domain/hospital-notices.ts';
import { cancellationCodes, isConditionFailure, updateIf, updateItem } from './dynamo-update.ts';
import { documents } from './clients.ts';
import { collect, queryAll, scanAll, readPage } from './dynamo-pages.ts';
import { tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';

/** Stores a new notice; returns the notice already stored under the same id instead, if any. */
export async function storeNewNotice(record: NoticeRecord): Promise<NoticeRecord | 'stored'> {
  try {
    await putNew('hospitalNotices', record, 'id');
    return 'stored';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getNotice(record.id);
    if (!existing) throw new Error(`notice ${record.id} vanished after a conflicting write`);
    return existing;
  }
}

export async function getNotice(id: string): Promise<NoticeRecord | undefined> {
  return getItem<NoticeRecord>('hospitalNotices', { id });
}

/** Undecided notices received before the cutoff, oldest first, from the sparse index. */
export async function pendingNoticeIds(receivedBefore: string): Promise<string[]> {
  return collect(
    queryAll({
      TableName: tableName('hospitalNotices'),
      IndexName: 'pendingByReceivedAt',
      KeyConditionExpression: 'pending = :received AND receivedAt < :cutoff',
      ExpressionAttributeValues: { ':received': 'RECEIVED', ':cutoff': receivedBefore },
      ProjectionExpression: 'id',
    }),
    (item) => item.id as string,
  );
}

interface Decided {
  status: NoticeStatus;
  decision: NoticeDecision;
  decidedAt: string;
  entry: HistoryEntry;
  patient?: { idNumber: string; name: string };
  /** Further attributes the decision records (an admission's covered category, a reversal's amount). */
  extra?: Record<string, unknown>;
}

function decisionUpdate(id: string, decided: Decided, settlement?: SettlementFigures) {
  const extra = Object.entries(decided.extra ?? {}).filter(([, v]) => v !== undefined);
  return {
    TableName: tableName('hospitalNotices'),
    Key: { id },
    UpdateExpression: `SET #status = :status, decision = :decision, decidedAt = :decidedAt, history = list_append(history, :entry)${
      decided.patient ? ', patientIdNumber = :idNumber, patientName = :name' : ''
    }${settlement ? ', settlement = :settlement' : ''}${extra.map((_, i) => `, #x${i} = :x${i}`).join('')} REMOVE pending`,
    ConditionExpression: '#status = :received',
    ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(extra.map(([k], i) => [`#x${i}`, k])) },
    ExpressionAttributeValues: {
      ':status': decided.status,
      ':decision': decided.decision,
      ':decidedAt': decided.decidedAt,
      ':entry': [decided.entry],
      ':received': 'RECEIVED',
      ...(decided.patient && { ':idNumber': decided.patient.idNumber, ':name': decided.patient.name }),
      ...(settlement && { ':settlement': settlement }),
      ...Object.fromEntries(extra.map(([, v], i) => [`:x${i}`, v])),
    },
  };
}

/** Records a decision that moves no money; false when the notice was already decided. */
export async function recordDecision(id: string, decided: Decided): Promise<boolean> {
  return updateIf(decisionUpdate(id, decided));
}

export async function annualUsage(personYear: string): Promise<{ usedFen: number; exists: boolean }> {
  return usageOf(await getItem<{ usedFen?: number }>('medicalAssistanceUsage', { personYear }));
}

/** A person-year's usage item as the settlement reads it: none stored is 0 fen used. */
export function usageOf(item: { usedFen?: number } | undefined): { usedFen: number; exists: boolean } {
  return { usedFen: item?.usedFen ?? 0, exists: Boolean(item) };
}

export type SettleOutcome = 'settled' | 'already-decided' | 'admission-already-discharged' | 'usage-changed';

/** The cap year a settlement counts in: `idNumber#YYYY`. */
export const personYearOf = (idNumber: string, year: string) => `${idNumber}#${year}`;

/**
 * In one transaction: the person's annual usage moves from the amount the settlement was
 * computed on to the new amount (so concurrent settlements cannot both spend the same room
 * under the cap), the discharge is decided once, and its admission is discharged once.
 */
export async function settleAtomically(input: {
  dischargeId: string;
  admissionId: string;
  personYear: string;
  usageBefore: { usedFen: number; exists: boolean };
  usedAfterFen: number;
  decided: Decided;
  settlement: SettlementFigures;
}): Promise<SettleOutcome> {
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName('medicalAssistanceUsage'),
              Key: { personYear: input.personYear },
              // patientPaysFen adds up the out-of-pocket payments of the year: the watch list reads it.
              UpdateExpression:
                'SET usedFen = :after, updatedAt = :at, lastNoticeId = :notice, #year = :year, patientPaysFen = if_not_exists(patientPaysFen, :zero) + :pays',
              ConditionExpression: input.usageBefore.exists ? 'usedFen = :before' : 'attribute_not_exists(personYear)',
              ExpressionAttributeNames: { '#year': 'year' },
              ExpressionAttributeValues: {
                ':after': input.usedAfterFen,
                ':at': input.decided.decidedAt,
                ':notice': input.dischargeId,
                ':year': input.personYear.slice(-4),
                ':zero': 0,
                ':pays': input.settlement.patientPaysFen,
                ...(input.usageBefore.exists && { ':before': input.usageBefore.usedFen }),
              },
            },
          },
          {
            Update: decisionUpdate(input.dischargeId, { ...input.decided, extra: { personYear: input.personYear } }, input.settlement),
          },
          {
            Update: {
              TableName: tableName('hospitalNotices'),
              Key: { id: input.admissionId },
              UpdateExpression: 'SET dischargedBy = :discharge',
              // A reversed admission closed its stay: nothing more settles against it.
              ConditionExpression: '(attribute_not_exists(dischargedBy) OR dischargedBy = :discharge) AND #status <> :reversed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':discharge': input.dischargeId, ':reversed': 'REVERSED' },
            },
          },
        ],
      }),
    );
    return 'settled';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (codes[1] === 'ConditionalCheckFailed') return 'already-decided';
    if (codes[2] === 'ConditionalCheckFailed') return 'admission-already-discharged';
    // The usage moved under us, or DynamoDB saw a conflicting transaction: compute again.
    return 'usage-changed';
  }
}

// ---- Reversals -------------------------------------------------------------------------

export type ReverseOutcome = 'applied' | 'reversal-already-decided' | 'original-changed';

function reversalOutcome(error: unknown): ReverseOutcome {
  const codes = cancellationCodes(error);
  if (!codes) throw error;
  if (codes[0] === 'ConditionalCheckFailed') return 'reversal-already-decided';
  return 'original-changed';
}

function markReversed(original: NoticeRecord, fromStatus: NoticeStatus, mark: ReversalMark, extraCondition = '') {
  return {
    TableName: tableName('hospitalNotices'),
    Key: { id: original.id },
    UpdateExpression: 'SET #status = :reversedStatus, reversed = :mark, history = list_append(history, :entry)',
    ConditionExpression: `#status = :from${extraCondition}`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':reversedStatus': 'REVERSED',
      ':mark': mark,
      ':from': fromStatus,
      ':entry': [{ at: mark.at, by: mark.by, action: 'REVERSED', reason: `reversed by notice ${mark.noticeNo}` }],
    },
  };
}

/**
 * Undoes a settled discharge in one transaction: the reversal is decided APPLIED once, the
 * discharge moves SETTLED → REVERSED once, its medical assistance (and the patient's payment)
 * go back to the person's annual totals of the cap year it counted in, and its admission is
 * no longer discharged, so a corrected discharge can settle it.
 */
export async function reverseDischargeAtomically(input: {
  reversalId: string;
  discharge: DischargeRecord;
  admissionId: string;
  mark: ReversalMark;
  decided: Decided;
}): Promise<ReverseOutcome> {
  const settlement = input.discharge.settlement!;
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: decisionUpdate(input.reversalId, input.decided) },
          { Update: markReversed(input.discharge, 'SETTLED', input.mark) },
          {
            Update: {
              TableName: tableName('medicalAssistanceUsage'),
              Key: { personYear: input.discharge.personYear! },
              // Relative, so it cannot lose a concurrent settlement's amount; never below zero.
              UpdateExpression:
                'SET usedFen = usedFen - :assistance, patientPaysFen = patientPaysFen - :pays, updatedAt = :at, lastNoticeId = :notice',
              ConditionExpression: 'usedFen >= :assistance AND patientPaysFen >= :pays',
              ExpressionAttributeValues: {
                ':assistance': settlement.medicalAssistanceFen,
                ':pays': settlement.patientPaysFen,
                ':at': input.mark.at,
                ':notice': input.reversalId,
              },
            },
          },
          {
            Update: {
              TableName: tableName('hospitalNotices'),
              Key: { id: input.admissionId },
              UpdateExpression: 'REMOVE dischargedBy',
              ConditionExpression: 'dischargedBy = :discharge',
              ExpressionAttributeValues: { ':discharge': input.discharge.id },
            },
          },
        ],
      }),
    );
    return 'applied';
  } catch (error) {
    return reversalOutcome(error);
  }
}

/**
 * Undoes an admission that no settled discharge refers to: the reversal is decided APPLIED,
 * the admission moves from the status it was seen in to REVERSED, which closes its stay.
 */
export async function reverseAdmissionAtomically(input: {
  reversalId: string;
  admission: AdmissionRecord;
  mark: ReversalMark;
  decided: Decided;
}): Promise<ReverseOutcome> {
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: decisionUpdate(input.reversalId, input.decided) },
          { Update: markReversed(input.admission, input.admission.status, input.mark, ' AND attribute_not_exists(dischargedBy)') },
        ],
      }),
    );
    return 'applied';
  } catch (error) {
    return reversalOutcome(error);
  }
}

// ---- One open stay per person ----------------------------------------------------------

/** The id of the item that names a person's open stay (the ID number is not in the key). */
export function stayItemId(idNumber: string): string {
  return `stay_${createHash('sha256').update(`stay\u0000${idNumber}`).digest('hex').slice(0, 32)}`;
}

/**
 * Makes `admissionId` the person's stay holder: when nobody holds it, or when the holder is
 * `staleHolder` (a stay the caller found closed). Conditional, so of two admissions at once
 * only one becomes the holder. Answers the holder after the attempt.
 */
export async function claimStay(idNumber: string, admissionId: string, staleHolder?: string): Promise<string> {
  const id = stayItemId(idNumber);
  try {
    await documents().send(
      new PutCommand({
        TableName: tableName('hospitalNotices'),
        Item: { id, admissionId, claimedAt: new Date().toISOString() },
        ConditionExpression: staleHolder
          ? 'attribute_not_exists(id) OR admissionId = :mine OR admissionId = :stale'
          : 'attribute_not_exists(id) OR admissionId = :mine',
        ExpressionAttributeValues: { ':mine': admissionId, ...(staleHolder && { ':stale': staleHolder }) },
      }),
    );
    return admissionId;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await getItem<{ admissionId?: string }>('hospitalNotices', { id }))?.admissionId ?? '';
  }
}

export async function stayHolder(idNumber: string): Promise<string | undefined> {
  return (await getItem<{ admissionId?: string }>('hospitalNotices', { id: stayItemId(idNumber) }))?.admissionId;
}

/** Frees the stay item if `admissionId` still holds it (tidiness: a closed holder is also taken over). */
export async function releaseStay(idNumber: string, admissionId: string): Promise<void> {
  try {
    await documents().send(
      new DeleteCommand({
        TableName: tableName('hospitalNotices'),
        Key: { id: stayItemId(idNumber) },
        ConditionExpression: 'admissionId = :mine',
        ExpressionAttributeValues: { ':mine': admissionId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

// ---- Lists, rate limits, hospitals, the watch list ------------------------------------

/** A hospital's notices received in [fromInstant, toInstant), oldest first, one page. */
export async function hospitalNoticesPage(
  hospitalMonth: string,
  fromInstant: string,
  toInstant: string,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: NoticeRecord[]; lastKey: Record<string, unknown> | undefined }> {
  return readPage<NoticeRecord>({ query: { ...hospitalMonthBetween(hospitalMonth, fromInstant, toInstant), Limit: limit } }, startKey);
}

/** Every notice of a hospital received in [fromInstant, toInstant] (for totals). */
export async function hospitalNoticesBetween(hospitalMonth: string, fromInstant: string, toInstant: string): Promise<NoticeRecord[]> {
  return collect(queryAll<NoticeRecord>(hospitalMonthBetween(hospitalMonth, fromInstant, toInstant)), (item) => item);
}

/** A hospital's notices received in [fromInstant, toInstant], from the byHospitalMonth index. */
const hospitalMonthBetween = (hospitalMonth: string, fromInstant: string, toInstant: string) => ({
  TableName: tableName('hospitalNotices'),
  IndexName: 'byHospitalMonth',
  KeyConditionExpression: 'hospitalMonth = :month AND receivedAt BETWEEN :from AND :to',
  ExpressionAttributeValues: { ':month': hospitalMonth, ':from': fromInstant, ':to': toInstant },
});

/**
 * Takes one slot of a hospital's per-minute allowance; false when the minute's allowance is
 * used up. The counter item expires after a day (TTL).
 */
export async function takeRateSlot(hospitalId: string, minute: string, limit: number): Promise<boolean> {
  return updateItem('hospitalNotices', { id: `rate_${hospitalId}_${minute}` }, {
    add: { used: 1 },
    setIfMissing: { expiration: Math.floor(Date.now() / 1000) + 24 * 60 * 60 },
    condition: { expression: 'attribute_not_exists(used) OR used < :limit', values: { ':limit': limit } },
  });
}

/** Gives back a slot taken for a notice that turned out to be a replay (it must not count). */
export async function giveBackRateSlot(hospitalId: string, minute: string): Promise<void> {
  await updateItem('hospitalNotices', { id: `rate_${hospitalId}_${minute}` }, {
    add: { used: -1 },
    condition: { expression: 'used > :zero', values: { ':zero': 0 } },
  });
}

export interface HospitalRecord {
  hospitalId: string;
  name: string;
  /** Admissions (eligibility checks) allowed per minute; a default applies when absent. */
  eligibilityChecksPerMinute?: number;
  bankName?: string;
  bankAccount?: string;
}

/** Every designated hospital with its bank details. */
export async function hospitalRecords(): Promise<HospitalRecord[]> {
  return collect(scanAll<HospitalRecord>({ TableName: tableName('hospitals') }), (item) => item);
}

export async function getHospital(hospitalId: string): Promise<HospitalRecord | undefined> {
  return getItem<HospitalRecord>('hospitals', { hospitalId }, { eventually: true });
}

/** People whose out-of-pocket payments in `year` reached `thresholdFen`: `{ idNumber, patientPaysFen }`. */
export async function usageAtOrAbove(year: string, thresholdFen: number): Promise<Array<{ idNumber: string; patientPaysFen: number }>> {
  return collect(
    scanAll({
      TableName: tableName('medicalAssistanceUsage'),
      FilterExpression: '#year = :year AND patientPaysFen >= :threshold',
      ExpressionAttributeNames: { '#year': 'year' },
      ExpressionAttributeValues: { ':year': year, ':threshold': thresholdFen },
    }),
    (item) => ({
      idNumber: (item.personYear as string).split('#')[0]!,
      patientPaysFen: item.patientPaysFen as number,
    }),
  );
}
