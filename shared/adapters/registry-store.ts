import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { HistoryEntry, Recipient, RecipientStatus } from '../domain/registry.ts';
import type { ErrorDetail } from '../domain/errors.ts';
import { documents } from './clients.ts';
import { s3 } from './s3-clients.ts';
import { batchGet, putAllIfAbsent } from './dynamo-batch.ts';
import { collect, scanAll } from './dynamo-pages.ts';
import { isConditionFailure, updateParams, updateItem } from './dynamo-update.ts';
import { bucketName, tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';

export type ImportStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface RecipientImport {
  importId: string;
  status: ImportStatus;
  objectKey: string;
  imported: number;
  /** The first rejections, capped so the record stays within DynamoDB's item size. */
  /** The first rejected lines; `details` on imports since reason codes (the message is derived from them). */
  rejected: Array<{ line: number; message?: string; details?: ErrorDetail[] }>;
  rejectedCount: number;
  createdAt: string;
  createdBy: string;
  /** The encoding the file was read in (absent on imports from before it was recorded). */
  encoding?: string;
  /** Data lines in the file and lines checked or written so far, while the worker runs. */
  progress?: ImportProgress;
  history: HistoryEntry[];
}

export const maxStoredRejections = 1000;

export interface ImportProgress {
  lines: number;
  processed: number;
}

/** Records how far a running import has got (a plain SET: a redelivery recounts from its own start). */
export async function recordImportProgress(importId: string, progress: ImportProgress): Promise<void> {
  // False when the import finished meanwhile: its final counts stand.
  await updateItem('recipientImports', { importId }, { set: { progress }, statusIn: ['RUNNING'] });
}

export async function getRecipient(idNumber: string): Promise<Recipient | undefined> {
  return getItem<Recipient>('recipients', { idNumber }, { eventually: true });
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
  await putNew('recipientImports', record, 'importId');
}

export async function getImport(importId: string): Promise<RecipientImport | undefined> {
  return getItem<RecipientImport>('recipientImports', { importId });
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
  return Boolean(await getItem('hospitals', { hospitalId }, { eventually: true, attributes: ['hospitalId'] }));
}

/** The registry records of those of `idNumbers` who have one. */
export async function getRecipients(idNumbers: readonly string[]): Promise<Recipient[]> {
  if (idNumbers.length === 0) return [];
  return batchGet<Recipient>(
    tableName('recipients'),
    idNumbers.map((idNumber) => ({ idNumber })),
  );
}

type Condition = { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };

/** `condition`, and with `inTownship` also that the record is in that township (township scoping, in the write itself). */
function withTownship(condition: Condition | undefined, inTownship: string | undefined): Condition {
  if (inTownship === undefined) return condition!;
  const township = { expression: '#township = :township', names: { '#township': 'township' }, values: { ':township': inTownship } };
  if (!condition) return township;
  return {
    expression: `(${condition.expression}) AND ${township.expression}`,
    names: { ...condition.names, ...township.names },
    values: { ...condition.values, ...township.values },
  };
}

/** What marks a recipient's periodic review open (and puts it on the `openReviews` index). */
export const openReviewAttributes = ['reviewOpenedOn', 'reviewQueue', 'reviewQueueKey'] as const;

/**
 * Moves a recipient from one of `from` to `to`, recording why, and closes any open review.
 * With `inTownship`, only a recipient of that township moves (township scoping).
 * Answers the record as it now is, or as it was when its status or township allowed no such move.
 */
export async function changeRecipientStatus(
  idNumber: string,
  from: readonly RecipientStatus[],
  to: RecipientStatus,
  entry: HistoryEntry,
  inTownship?: string,
): Promise<{ changed: true; recipient: Recipient } | { changed: false; recipient: Recipient | undefined }> {
  try {
    const result = await documents().send(
      new UpdateCommand({
        ...updateParams(
          tableName('recipients'),
          { idNumber },
          {
            set: { status: to },
            append: { history: [entry] },
            remove: [...openReviewAttributes],
            statusIn: from,
            ...(inTownship !== undefined && { condition: withTownship(undefined, inTownship) }),
          },
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
  'idNumber' | 'recipientId' | 'since' | 'nextReviewOn' | 'reviewEveryMonths' | 'status' | 'township'
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
      ProjectionExpression: 'idNumber, recipientId, since, nextReviewOn, reviewEveryMonths, #status, township',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'ACTIVE', ':asOf': asOf, ':since': sinceOnOrBefore },
    }),
    (item) => item as ReviewCandidate,
  );
}

/**
 * Recipients whose periodic review is open, from the sparse `openReviews` index (a Query, never
 * a scan): one township's (a key prefix) or the county's, by township then oldest first.
 */
export async function queryOpenReviews(
  township: string | undefined,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: Recipient[]; lastKey: Record<string, unknown> | undefined }> {
  const page = await documents().send(
    new QueryCommand({
      TableName: tableName('recipients'),
      IndexName: 'openReviews',
      KeyConditionExpression:
        township === undefined ? 'reviewQueue = :open' : 'reviewQueue = :open AND begins_with(reviewQueueKey, :township)',
      ExpressionAttributeValues: { ':open': 'OPEN', ...(township !== undefined && { ':township': `${township}#` }) },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { items: (page.Items ?? []) as Recipient[], lastKey: page.LastEvaluatedKey };
}

/** Opens a review unless the recipient moved on since it was read (another run, or a reviewer). */
export async function openReview(
  candidate: ReviewCandidate,
  review: { openedOn: string; nextReviewOn: string; entry: HistoryEntry },
): Promise<boolean> {
  return updateItem('recipients', { idNumber: candidate.idNumber }, {
    set: {
      reviewOpenedOn: review.openedOn,
      nextReviewOn: review.nextReviewOn,
      reviewQueue: 'OPEN',
      reviewQueueKey: `${candidate.township}#${review.openedOn}`,
    },
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
export async function putPendingPayeeChange(
  idNumber: string,
  change: PendingPayeeChange,
  entry: HistoryEntry,
  inTownship?: string,
): Promise<boolean> {
  return updateItem('recipients', { idNumber }, {
    set: { pendingPayeeChange: change },
    append: { history: [entry] },
    condition: withTownship({ expression: 'attribute_exists(idNumber) AND attribute_not_exists(pendingPayeeChange)' }, inTownship),
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
  inTownship?: string,
): Promise<boolean> {
  return updateItem('recipients', { idNumber }, {
    set: { bankName: change.bankName, bankAccount: change.bankAccount },
    append: { history: [entry] },
    remove: ['pendingPayeeChange'],
    condition: withTownship(
      {
        expression: 'pendingPayeeChange.changeId = :changeId AND pendingPayeeChange.requestedBy <> :checker',
        values: { ':changeId': change.changeId, ':checker': confirmedBy },
      },
      inTownship,
    ),
  });
}
