// What a topology access entry allows, spelled out once: the CDK stack turns it into IAM
// statements (infra/stack.ts) and the local stack checks every SDK call against it
// (local/grant-guard.ts), so a missing or too-narrow grant fails `npm test`, not a deployment.
import {
  routeMethodAccess,
  tables,
  type Access,
  type BucketAccess,
  type BucketName,
  type FunctionSpec,
  type ObjectOperation,
  type QueueName,
  type TableAccess,
  type TableName,
  type TableOperation,
  type TableSpec,
} from './topology.ts';

/**
 * Everything a function may touch: its entry's own access and what its trigger implies
 * (routeMethodAccess: a POST route's idempotency table). The CDK stack grants this and sets its
 * variables; the local grant guard checks calls against it. The entry's own grant of a resource wins.
 */
export function accessOf(spec: Pick<FunctionSpec, 'access' | 'trigger'>): Access {
  const implied = spec.trigger.type === 'http' ? routeMethodAccess[spec.trigger.method] : undefined;
  if (!implied) return spec.access;
  const own = spec.access;
  return {
    ...((implied.tables || own.tables) && { tables: { ...implied.tables, ...own.tables } }),
    ...((implied.queues || own.queues) && { queues: { ...implied.queues, ...own.queues } }),
    ...((implied.buckets || own.buckets) && { buckets: { ...implied.buckets, ...own.buckets } }),
    ...((implied.secrets || own.secrets) && { secrets: { ...implied.secrets, ...own.secrets } }),
  };
}

/** IAM actions for each DynamoDB operation the topology names. */
export const tableActions: Record<TableOperation, string> = {
  get: 'dynamodb:GetItem',
  batchGet: 'dynamodb:BatchGetItem',
  query: 'dynamodb:Query',
  scan: 'dynamodb:Scan',
  put: 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
  batchWrite: 'dynamodb:BatchWriteItem',
  conditionCheck: 'dynamodb:ConditionCheckItem',
};
const legacyRead: TableOperation[] = ['get', 'batchGet', 'query', 'scan'];
// No delete: only the idempotency table's records are ever deleted, and it names its operations.
const legacyWrite: TableOperation[] = [...legacyRead, 'put', 'update', 'batchWrite', 'conditionCheck'];

/** IAM actions for each S3 object operation. Never s3:DeleteObjectVersion: versions are the history. */
export const objectActions: Record<ObjectOperation, string> = {
  get: 's3:GetObject',
  put: 's3:PutObject',
  delete: 's3:DeleteObject',
  abortMultipartUpload: 's3:AbortMultipartUpload',
};

/** A table grant spelled out: the table's own operations and the indexes queried. */
export function tableAccessOf(level: 'read' | 'readwrite' | TableAccess, spec: TableSpec): Required<TableAccess> {
  if (typeof level !== 'string') return { operations: level.operations, queryIndexes: level.queryIndexes ?? [] };
  const indexes = (spec.globalSecondaryIndexes ?? []).map((g) => g.indexName);
  return { operations: level === 'read' ? legacyRead : legacyWrite, queryIndexes: indexes };
}

/** Bucket grants spelled out; the whole-bucket levels become the empty prefix, which cdk-nag refuses. */
export function bucketAccessOf(level: 'read' | 'readwrite' | readonly BucketAccess[]): readonly BucketAccess[] {
  if (typeof level !== 'string') return level;
  return [{ prefix: '', operations: level === 'read' ? ['get'] : ['get', 'put', 'delete'] }];
}

/** One thing an SDK call does to one resource, as IAM authorises it. */
export type ResourceUse =
  | { service: 'dynamodb'; table: TableName; operation: TableOperation; index?: string }
  | { service: 's3'; bucket: BucketName; key: string; operation: ObjectOperation }
  | { service: 'sqs'; queue: QueueName; operation: 'send' };

/** Whether `access` (a function's topology entry) allows `use`, as the IAM statements infra writes would. */
export function isGranted(access: Access, use: ResourceUse): boolean {
  switch (use.service) {
    case 'dynamodb': {
      const level = access.tables?.[use.table];
      if (!level) return false;
      const granted = tableAccessOf(level, tables[use.table]);
      return use.index !== undefined ? granted.queryIndexes.includes(use.index) : granted.operations.includes(use.operation);
    }
    case 's3': {
      const level = access.buckets?.[use.bucket];
      if (!level) return false;
      // IAM's `prefix*`: a `*` inside the prefix matches any characters, `/` included.
      const matches = (prefix: string) =>
        new RegExp(`^${prefix.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}`).test(use.key);
      return bucketAccessOf(level).some((grant) => grant.operations.includes(use.operation) && matches(grant.prefix));
    }
    case 'sqs':
      return access.queues?.[use.queue] === use.operation;
  }
}

/** The IAM action and resource of a use, for messages: "dynamodb:PutItem on table payments". */
export function describeUse(use: ResourceUse): string {
  switch (use.service) {
    case 'dynamodb':
      return use.index !== undefined
        ? `${tableActions.query} on index ${use.index} of table ${use.table}`
        : `${tableActions[use.operation]} on table ${use.table}`;
    case 's3':
      return `${objectActions[use.operation]} on ${use.bucket}/${use.key}`;
    case 'sqs':
      return `sqs:SendMessage on queue ${use.queue}`;
  }
}
