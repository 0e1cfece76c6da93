import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { HistoryEntry, LineRejection, Recipient, RecipientStatus } from '../domain/registry.ts';
import { documents, s3 } from './clients.ts';
import { batchGet, putAllIfAbsent } from './dynamo-batch.ts';
import { collect, scanAll } from './dynamo-pages.ts';
import { isConditionFailure, updateParams, updateItem } from './dynamo-update.ts';
import { bucketName, tableName } from './resources.ts';

export type ImportStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface RecipientImport {
  importId: string;
  status: ImportStatus;
  objectKey: string;
  imported: number;
  /** The first rejections, capped so the record stays within DynamoDB's item size. */
  rejected: LineRejection[];
  rejectedCount: number;
  createdAt: string;
  createdBy: string;
  /** The encoding the file was read in (absent on imports from before it was recorded). */
  encoding?: string;
  history: HistoryEntry[];
}

export const maxStoredRejections = 1000;

export async function getRecipient(idNumber: string): Promise<Recipient | undefined> {
  const result = await documents().send(
    new GetCommand({ TableName: tableName('recipients'), Key: { idNumber } }),
  );
  return result.Item as Recipient | undefined;
}

/** The import that wrote each registered ID number among those asked for. */
export async function registeredImportIds(idNumbers: string[]): Promise<Map<string, string | undefined>> {
  const items = await batchGet(
    tableName('recipients'),
    idNumbers.map((idNumber) => ({ idNumber })),
    ['idNumber', 'importId'],
  );
  return new Map(items.map((i) => [i.idNumber as string, i.importId as string | undefined]));
}

/**
 * Creates each record only where the registry holds no one with its ID number: of two imports
 * holding one person, the first to commit wins. Answers the ID numbers that were not created.
 */
export async function createRecipients(recipients: Recipient[]): Promise<Set<string>> {
  const existing = await putAllIfAbsent(tableName('recipients'), 'idNumber', recipients);
  return new Set(existing.map((r) => r.idNumber as string));
}

export async function storeImportFile(objectKey: string, csv: string): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucketName('documents'),
      Key: objectKey,
      Body: csv,
      ContentType: 'text/csv; charset=utf-8',
    }),
  );
}

export async function readImportFile(objectKey: string): Promise<string> {
  const result = await s3().send(new GetObjectCommand({ Bucket: bucketName('documents'), Key: objectKey }));
  if (!result.Body) throw new Error(`import file ${objectKey} is empty`);
  return result.Body.transformToString('utf-8');
}

export async function createImport(record: RecipientImport): Promise<void> {
  await documents().send(
    new PutCommand({
      TableName: tableName('recipientImports'),
      Item: record,
      ConditionExpression: 'attribute_not_exists(importId)',
    }),
  );
}

export async function getImport(importId: string): Promise<RecipientImport | undefined> {
  const result = await documents().send(
    new GetCommand({ TableName: tableName('recipientImports'), Key: { importId }, ConsistentRead: true }),
  );
  return result.Item as RecipientImport | undefined;
}

/** Ends a running import; false when it had already ended (a redelivery). */
export async function finishImport(
  importId: string,
  outcome: Pick<RecipientImport, 'status' | 'imported' | 'rejected' | 'rejectedCount'>,
  entry: HistoryEntry,
): Promise<boolean> {
  return updateItem('recipientImports', { importId }, {
    set: { status: outcome.status, imported: outcome.imported, rejected: outcome.rejected, rejectedCount: outcome.rejectedCount },
    append: { history: [entry] },
    statusIn: ['RUNNING'],
  });
}

export async function listHospitals(): Promise<Array<{ hospitalId: string; name: string }>> {
  const hospitals = await collect(scanAll({ TableName: tableName('hospitals') }), (item) => ({
    hospitalId: item.hospitalId as string,
    name: item.name as string,
  }));
  return hospitals.sort((a, b) => a.hospitalId.localeCompare(b.hospitalId));
}

export async function isDesignatedHospital(hospitalId: string): Promise<boolean> {
  const result = await documents().send(
    new GetCommand({ TableName: tableName('hospitals'), Key: { hospitalId }, ProjectionExpression: 'hospitalId' }),
  );
  return Boolean(result.Item);
}

/** The registry records of those of `idNumbers` who have one. */
export async function getRecipients(idNumbers: readonly string[]): Promise<Recipient[]> {
  if (idNumbers.length === 0) return [];
  return batchGet<Recipient>(
    tableName('recipients'),
    idNumbers.map((idNumber) => ({ idNumber })),
  );
}

/**
 * Moves a recipient from one of `from` to `to`, recording why, and closes any open review.
 * Answers the record as it now is, or as it was when its status allowed no such move.
 */
export async function changeRecipientStatus(
  idNumber: string,
  from: readonly RecipientStatus[],
  to: RecipientStatus,
  entry: HistoryEntry,
): Promise<{ changed: true; recipient: Recipient } | { changed: false; recipient: Recipient | undefined }> {
  try {
    const result = await documents().send(
      new UpdateCommand({
        ...updateParams(
          tableName('recipients'),
          { idNumber },
          { set: { status: to }, append: { history: [entry] }, remove: ['reviewOpenedOn'], statusIn: from },
        ),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { changed: true, recipient: result.Attributes as Recipient };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { changed: false, recipient: await getRecipient(idNumber) };
  }
}

export type ReviewCandidate = Pick<
  Recipient,
  'idNumber' | 'recipientId' | 'since' | 'nextReviewOn' | 'reviewEveryMonths' | 'status'
>;

/**
 * ACTIVE recipients whose periodic review is due by `asOf`: the scheduled date, or for imported
 * records (which have none) a year after `since`. A daily scan of the registry: it holds a
 * county's recipients (about 100,000 at most), and the scan is read-only and paginated.
 */
export async function recipientsDueForReview(asOf: string, sinceOnOrBefore: string): Promise<ReviewCandidate[]> {
  return collect(
    scanAll({
      TableName: tableName('recipients'),
      FilterExpression:
        '#status = :active AND (nextReviewOn <= :asOf OR (attribute_not_exists(nextReviewOn) AND since <= :since))',
      ProjectionExpression: 'idNumber, recipientId, since, nextReviewOn, reviewEveryMonths, #status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'ACTIVE', ':asOf': asOf, ':since': sinceOnOrBefore },
    }),
    (item) => item as ReviewCandidate,
  );
}

/** Opens a review unless the recipient moved on since it was read (another run, or a reviewer). */
export async function openReview(
  candidate: ReviewCandidate,
  review: { openedOn: string; nextReviewOn: string; entry: HistoryEntry },
): Promise<boolean> {
  return updateItem('recipients', { idNumber: candidate.idNumber }, {
    set: { reviewOpenedOn: review.openedOn, nextReviewOn: review.nextReviewOn },
    append: { history: [review.entry] },
    statusIn: ['ACTIVE'],
    condition: candidate.nextReviewOn
      ? { expression: 'nextReviewOn = :seen', values: { ':seen': candidate.nextReviewOn } }
      : { expression: 'attribute_not_exists(nextReviewOn)' },
  });
}

export interface PendingPayeeChange {
  changeId: string;
  bankName: string;
  bankAccount: string;
  requestedBy: string;
  requestedAt: string;
  reason: string;
}

/** Stores a pending payee change unless one is pending already; false when the recipient has one, or none exists. */
export async function putPendingPayeeChange(idNumber: string, change: PendingPayeeChange, entry: HistoryEntry): Promise<boolean> {
  return updateItem('recipients', { idNumber }, {
    set: { pendingPayeeChange: change },
    append: { history: [entry] },
    condition: { expression: 'attribute_exists(idNumber) AND attribute_not_exists(pendingPayeeChange)' },
  });
}

/**
 * Makes the pending change the recipient's account, only if it is still the pending change
 * `changeId` and was asked for by someone other than `confirmedBy` (maker-checker, enforced in the write).
 */
export async function confirmPendingPayeeChange(
  idNumber: string,
  change: PendingPayeeChange,
  confirmedBy: string,
  entry: HistoryEntry,
): Promise<boolean> {
  return updateItem('recipients', { idNumber }, {
    set: { bankName: change.bankName, bankAccount: change.bankAccount },
    append: { history: [entry] },
    remove: ['pendingPayeeChange'],
    condition: {
      expression: 'pendingPayeeChange.changeId = :changeId AND pendingPayeeChange.requestedBy <> :checker',
      values: { ':changeId': change.changeId, ':checker': confirmedBy },
    },
  });
}
