// Relief applications in DynamoDB, their assessment queue, their documents and public notices in
// S3, and the two transactions that end an application: a grant, or an enrolment.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ApplicationRecord, ApplicationType } from '../domain/applications.ts';
import { AppError } from '../domain/errors.ts';
import type { HistoryEntry } from '../domain/registry.ts';
import { collect, queryAll, readPage } from './dynamo-pages.ts';
import { documents } from './clients.ts';
import { s3 } from './s3-clients.ts';
import { cancellationCodes, updateParams, type UpdateSpec, updateIf } from './dynamo-update.ts';
import { bucketName, tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';

export const applicationIndexes = { byStatus: 'applicationsByStatus', byTownship: 'applicationsByTownship' } as const;

export async function putNewApplication(record: ApplicationRecord): Promise<void> {
  await putNew('applications', record, 'id');
}

export async function getApplication(id: string): Promise<ApplicationRecord | undefined> {
  return getItem<ApplicationRecord>('applications', { id });
}

const applicationUpdate = (id: string, spec: UpdateSpec) => updateParams(tableName('applications'), { id }, spec);

/** Applies the update if its condition (usually the status it starts from) holds; false if not. */
export async function updateApplication(id: string, spec: UpdateSpec): Promise<boolean> {
  return updateIf(applicationUpdate(id, spec));
}

/**
 * Puts a SUBMITTED application back to DRAFT exactly as it was (its SUBMIT history entry, the
 * one at `entriesBefore`, removed), unless anything happened to it since.
 */
export async function undoSubmission(id: string, entriesBefore: number, updatedAtBefore: string): Promise<boolean> {
  return updateApplication(id, {
    set: { status: 'DRAFT', updatedAt: updatedAtBefore },
    remove: ['submittedAt', 'submittedBy'],
    statusIn: ['SUBMITTED'],
    condition: { expression: 'size(history) = :entries', values: { ':entries': entriesBefore + 1 } },
    removeListItem: { attribute: 'history', index: entriesBefore },
  });
}

/** Exactly the item the payouts side reads from `grants` (see the topology). */
export interface GrantItem {
  grantId: string;
  applicationId: string;
  type: ApplicationType;
  status: 'GRANTED';
  amountFen: number;
  payeeName: string;
  payeeIdNumber: string;
  bankName?: string;
  bankAccount?: string;
  township: string;
  grantedAt: string;
  grantedBy: string;
  history: HistoryEntry[];
}

/** The application moves to GRANTED and its grant is recorded, both or neither; false if the application moved first. */
export async function grantAtomically(id: string, spec: UpdateSpec, grant: GrantItem): Promise<boolean> {
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: applicationUpdate(id, spec) },
          {
            Put: { TableName: tableName('grants'), Item: grant, ConditionExpression: 'attribute_not_exists(grantId)' },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

export type EnrolOutcome =
  | { outcome: 'enrolled' }
  | { outcome: 'application-moved' }
  /** The registry holds this member, not TERMINATED, under another enrolment. */
  | { outcome: 'member-enrolled-elsewhere'; idNumber: string }
  | { outcome: 'contention' };

/**
 * The application moves to ENROLLED and every member is written to the registry, all or none
 * (at most 1 + 30 actions: under DynamoDB's 100). A member's existing record is taken over only
 * if it is TERMINATED; its history and recipientId are kept.
 */
export async function enrolAtomically(
  id: string,
  spec: UpdateSpec,
  recipients: Array<{ idNumber: string; spec: UpdateSpec }>,
): Promise<EnrolOutcome> {
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: applicationUpdate(id, spec) },
          ...recipients.map((r) => ({ Update: updateParams(tableName('recipients'), { idNumber: r.idNumber }, r.spec) })),
        ],
      }),
    );
    return { outcome: 'enrolled' };
  } catch (error) {
    const codes = cancellationCodes(error);
    // Only a failed condition or a concurrent transaction is an outcome; anything else is a bug.
    if (!codes?.every((code) => ['None', 'ConditionalCheckFailed', 'TransactionConflict'].includes(code))) throw error;
    if (codes[0] === 'ConditionalCheckFailed') return { outcome: 'application-moved' };
    const member = codes.slice(1).findIndex((code) => code === 'ConditionalCheckFailed');
    if (member >= 0) return { outcome: 'member-enrolled-elsewhere', idNumber: recipients[member]!.idNumber };
    return { outcome: 'contention' };
  }
}

export interface ApplicationFilter {
  status?: string;
  township?: string;
  type?: string;
  /** The subject who filed it (the console's "my applications"). */
  createdBy?: string;
}

/** At most this many DynamoDB calls per page, so a sparse filter cannot keep a request running. */
const maxCallsPerPage = 10;

/**
 * A page of applications. Status or township is a key of an index (oldest first); the rest are
 * filters, so a page may come back short with a nextToken: DynamoDB filters after it reads.
 */
export async function queryApplications(
  filter: ApplicationFilter,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: ApplicationRecord[]; lastKey: Record<string, unknown> | undefined }> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const keyed = filter.status !== undefined ? 'status' : filter.township !== undefined ? 'township' : undefined;
  for (const attribute of ['status', 'township', 'type', 'createdBy'] as const) {
    const value = filter[attribute];
    if (value === undefined) continue;
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    if (attribute !== keyed) filters.push(`#${attribute} = :${attribute}`);
  }
  const base = {
    TableName: tableName('applications'),
    ...(filters.length && { FilterExpression: filters.join(' AND ') }),
    ...(Object.keys(names).length && { ExpressionAttributeNames: names }),
    ...(Object.keys(values).length && { ExpressionAttributeValues: values }),
  };
  const items: ApplicationRecord[] = [];
  let lastKey = startKey;
  try {
    for (let call = 0; call < maxCallsPerPage && items.length < limit; call++) {
      const page = await readPage<ApplicationRecord>(
        keyed
          ? {
              query: {
                ...base,
                IndexName: keyed === 'status' ? applicationIndexes.byStatus : applicationIndexes.byTownship,
                KeyConditionExpression: `#${keyed} = :${keyed}`,
                Limit: limit - items.length,
              },
            }
          : { scan: { ...base, Limit: limit - items.length } },
        lastKey,
      );
      items.push(...page.items);
      lastKey = page.lastKey;
      if (!lastKey) break;
    }
  } catch (error) {
    // A token from another query names keys this one does not have.
    if (startKey && (error as Error).name === 'ValidationException') {
      throw new AppError('VALIDATION_FAILED', 'nextToken: belongs to a list with other filters', [
        { path: 'nextToken', message: 'belongs to a list with other filters' },
      ]);
    }
    throw error;
  }
  return { items, lastKey };
}

/** Ids of applications on public notice whose notice has ended by `asOf`. */
export async function noticesEndedBy(asOf: string): Promise<string[]> {
  return collect(
    queryAll({
      TableName: tableName('applications'),
      IndexName: applicationIndexes.byStatus,
      KeyConditionExpression: '#status = :notice',
      FilterExpression: 'noticeEndsOn <= :asOf',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':notice': 'PUBLIC_NOTICE', ':asOf': asOf },
      ProjectionExpression: 'id',
    }),
    (item) => item.id as string,
  );
}

export async function writePublicNotice(objectKey: string, text: string): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucketName('exports'),
      Key: objectKey,
      Body: text,
      ContentType: 'text/plain; charset=utf-8',
    }),
  );
}

export async function deletePublicNotice(objectKey: string): Promise<void> {
  await s3().send(new DeleteObjectCommand({ Bucket: bucketName('exports'), Key: objectKey }));
}

/** Applications SUBMITTED (waiting for their assessment): id, when submitted, the last failure if any. */
export async function submittedApplications(): Promise<Array<{ id: string; submittedAt: string; lastFailure?: { at: string } }>> {
  return collect(
    queryAll({
      TableName: tableName('applications'),
      IndexName: applicationIndexes.byStatus,
      KeyConditionExpression: '#status = :submitted',
      ProjectionExpression: 'id, submittedAt, lastFailure',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':submitted': 'SUBMITTED' },
    }),
    (item) => item as { id: string; submittedAt: string; lastFailure?: { at: string } },
  );
}
