import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { HistoryEntry } from '../domain/registry.ts';
import type { NoticeDecision, NoticeRecord, NoticeStatus, SettlementFigures } from '../domain/hospital-notices.ts';
import { cancellationCodes, isConditionFailure } from './dynamo-update.ts';
import { documents, sqs } from './clients.ts';
import { collect, queryAll } from './dynamo-pages.ts';
import { queueUrl, tableName } from './resources.ts';

/** Stores a new notice; returns the notice already stored under the same id instead, if any. */
export async function storeNewNotice(record: NoticeRecord): Promise<NoticeRecord | 'stored'> {
  try {
    await documents().send(
      new PutCommand({
        TableName: tableName('hospitalNotices'),
        Item: record,
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return 'stored';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getNotice(record.id);
    if (!existing) throw new Error(`notice ${record.id} vanished after a conflicting write`);
    return existing;
  }
}

export async function getNotice(id: string): Promise<NoticeRecord | undefined> {
  const result = await documents().send(
    new GetCommand({ TableName: tableName('hospitalNotices'), Key: { id }, ConsistentRead: true }),
  );
  return result.Item as NoticeRecord | undefined;
}

export async function enqueueNotice(id: string): Promise<void> {
  await sqs().send(
    new SendMessageCommand({ QueueUrl: queueUrl('hospitalNotices'), MessageBody: JSON.stringify({ id }) }),
  );
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
}

function decisionUpdate(id: string, decided: Decided, settlement?: SettlementFigures) {
  return {
    TableName: tableName('hospitalNotices'),
    Key: { id },
    UpdateExpression: `SET #status = :status, decision = :decision, decidedAt = :decidedAt, history = list_append(history, :entry)${
      decided.patient ? ', patientIdNumber = :idNumber, patientName = :name' : ''
    }${settlement ? ', settlement = :settlement' : ''} REMOVE pending`,
    ConditionExpression: '#status = :received',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': decided.status,
      ':decision': decided.decision,
      ':decidedAt': decided.decidedAt,
      ':entry': [decided.entry],
      ':received': 'RECEIVED',
      ...(decided.patient && { ':idNumber': decided.patient.idNumber, ':name': decided.patient.name }),
      ...(settlement && { ':settlement': settlement }),
    },
  };
}

/** Records a decision that moves no money; false when the notice was already decided. */
export async function recordDecision(id: string, decided: Decided): Promise<boolean> {
  try {
    await documents().send(new UpdateCommand(decisionUpdate(id, decided)));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function annualUsage(personYear: string): Promise<{ usedFen: number; exists: boolean }> {
  const result = await documents().send(
    new GetCommand({ TableName: tableName('medicalAssistanceUsage'), Key: { personYear }, ConsistentRead: true }),
  );
  return { usedFen: (result.Item?.usedFen as number | undefined) ?? 0, exists: Boolean(result.Item) };
}

export type SettleOutcome = 'settled' | 'already-decided' | 'admission-already-discharged' | 'usage-changed';

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
              UpdateExpression: 'SET usedFen = :after, updatedAt = :at, lastNoticeId = :notice',
              ConditionExpression: input.usageBefore.exists ? 'usedFen = :before' : 'attribute_not_exists(personYear)',
              ExpressionAttributeValues: {
                ':after': input.usedAfterFen,
                ':at': input.decided.decidedAt,
                ':notice': input.dischargeId,
                ...(input.usageBefore.exists && { ':before': input.usageBefore.usedFen }),
              },
            },
          },
          { Update: decisionUpdate(input.dischargeId, input.decided, input.settlement) },
          {
            Update: {
              TableName: tableName('hospitalNotices'),
              Key: { id: input.admissionId },
              UpdateExpression: 'SET dischargedBy = :discharge',
              ConditionExpression: 'attribute_not_exists(dischargedBy) OR dischargedBy = :discharge',
              ExpressionAttributeValues: { ':discharge': input.dischargeId },
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
