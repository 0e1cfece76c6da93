// Grants bite locally: every SDK call a function's code makes is checked against that function's
// topology entry (shared/grants.ts), as IAM would check it on AWS. A call its entry does not
// allow fails with AccessDenied naming the function, the action and the resource, and is kept in
// grantViolations() so a test stack can fail the run even where the handler swallowed the error.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { accessOf, describeUse, isGranted, type ResourceUse } from '../shared/grants.ts';
import {
  bucketEnv,
  buckets,
  functions,
  queueEnv,
  queues,
  tableEnv,
  tables,
  type BucketName,
  type FunctionName,
  type ObjectOperation,
  type QueueName,
  type TableName,
  type TableOperation,
} from '../shared/topology.ts';

/** The function whose invocation is running (set around each handler call by local/lambda-runtime.ts). */
export const runningFunction = new AsyncLocalStorage<FunctionName>();

const violations: string[] = [];

/** Every call refused since the last take, one line each; clears them. */
export function takeGrantViolations(): string[] {
  return violations.splice(0);
}

export class AccessDeniedError extends Error {
  override readonly name = 'AccessDenied';
}

const logicalName = <T extends string>(names: readonly T[], envOf: (name: T) => string, physical: unknown): T | undefined =>
  names.find((name) => process.env[envOf(name)] === physical);
const tableOf = (physical: unknown) => logicalName(Object.keys(tables) as TableName[], tableEnv, physical);
const bucketOf = (physical: unknown) => logicalName(Object.keys(buckets) as BucketName[], bucketEnv, physical);
const queueOf = (physical: unknown) => logicalName(Object.keys(queues) as QueueName[], queueEnv, physical);

type Input = Record<string, any>;

const itemOperations: Record<string, TableOperation> = {
  GetItemCommand: 'get',
  PutItemCommand: 'put',
  UpdateItemCommand: 'update',
  DeleteItemCommand: 'delete',
  ScanCommand: 'scan',
};
const transactOperations: Record<string, TableOperation> = { Put: 'put', Update: 'update', Delete: 'delete', ConditionCheck: 'conditionCheck', Get: 'get' };
const objectOperations: Record<string, ObjectOperation> = {
  GetObjectCommand: 'get',
  HeadObjectCommand: 'get',
  PutObjectCommand: 'put',
  CreateMultipartUploadCommand: 'put',
  UploadPartCommand: 'put',
  CompleteMultipartUploadCommand: 'put',
  DeleteObjectCommand: 'delete',
  AbortMultipartUploadCommand: 'abortMultipartUpload',
};

/** What one call does, resource by resource; a string for a call no topology grant can allow. */
function usesOf(clientName: string, commandName: string, input: Input, running?: FunctionName): Array<ResourceUse | string> {
  const table = (physical: unknown, operation: TableOperation, index?: string): ResourceUse | string => {
    const name = tableOf(physical);
    return name ? { service: 'dynamodb', table: name, operation, ...(index !== undefined && { index }) } : `${commandName} on unknown table ${String(physical)}`;
  };
  if (clientName === 'DynamoDBClient') {
    if (itemOperations[commandName]) return [table(input.TableName, itemOperations[commandName]!)];
    if (commandName === 'QueryCommand') return [table(input.TableName, 'query', input.IndexName)];
    if (commandName === 'BatchGetItemCommand') return Object.keys(input.RequestItems ?? {}).map((t) => table(t, 'batchGet'));
    if (commandName === 'BatchWriteItemCommand') return Object.keys(input.RequestItems ?? {}).map((t) => table(t, 'batchWrite'));
    if (commandName === 'TransactWriteItemsCommand' || commandName === 'TransactGetItemsCommand') {
      return (input.TransactItems ?? []).flatMap((item: Input) =>
        Object.entries(item).map(([kind, action]) => table((action as Input).TableName, transactOperations[kind] ?? 'get')),
      );
    }
  }
  if (clientName === 'S3Client' && objectOperations[commandName]) {
    const bucket = bucketOf(input.Bucket);
    return [bucket ? { service: 's3', bucket, key: String(input.Key ?? ''), operation: objectOperations[commandName]! } : `${commandName} on unknown bucket ${String(input.Bucket)}`];
  }
  if (clientName === 'SQSClient' && commandName === 'ChangeMessageVisibilityCommand' && running) {
    // A consumer may change the visibility of what it received: the event source's consume grant on AWS.
    const trigger = functions[running].trigger;
    if (trigger?.type === 'queue' && queueOf(input.QueueUrl) === trigger.queue) return [];
  }
  if (clientName === 'SQSClient' && (commandName === 'SendMessageCommand' || commandName === 'SendMessageBatchCommand')) {
    const queue = queueOf(input.QueueUrl);
    return [queue ? { service: 'sqs', queue, operation: 'send' } : `${commandName} to unknown queue ${String(input.QueueUrl)}`];
  }
  return [`${clientName} ${commandName}, which no topology access entry can grant`];
}

const guard: InitializeMiddleware<any, any> = (next, context) => async (args) => {
  const name = runningFunction.getStore();
  if (name) {
    for (const use of usesOf(String(context.clientName), String(context.commandName), args.input as Input, name)) {
      if (typeof use !== 'string' && isGranted(accessOf(functions[name]), use)) continue;
      const what = typeof use === 'string' ? use : describeUse(use);
      const message = `grant missing: function ${name} calls ${what}; its topology entry (shared/topology.ts) does not allow it`;
      violations.push(message);
      throw new AccessDeniedError(message);
    }
  }
  return next(args);
};

/** Adds the check to each client (idempotent: one guard per client however many stacks start). */
export function guardClients(clients: ReadonlyArray<{ middlewareStack: MiddlewareStack<any, any> }>): void {
  for (const client of clients) client.middlewareStack.add(guard, { step: 'initialize', name: 'tuodiGrantGuard', override: true });
}
