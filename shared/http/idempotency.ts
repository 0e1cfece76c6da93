// Idempotency-Key for the routes that take POSTs (Powertools idempotency on the idempotency
// table). Only POST handlers import this module, so GET routes' bundles carry none of it (issue 14).
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import { AppError } from '../domain/errors.ts';
import { dynamodb } from '../adapters/clients.ts';
import { tableName } from '../adapters/resources.ts';

export interface IdempotentInput<R> {
  /** The caller's scope and the header's key. */
  key: string;
  /** SHA-256 of the raw body: the same key with another body is refused. */
  bodyHash: string;
  run: () => Promise<R>;
}

/** What httpRoute calls for a POST that carries an Idempotency-Key. */
export type IdempotencyRunner = <R>(input: IdempotentInput<R>, context: Context) => Promise<R>;

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'bodyHash',
  throwOnNoIdempotencyKey: true,
  expiresAfterSeconds: 24 * 60 * 60,
});
// One per table name: a test process runs several local stacks, each with its own table.
const idempotentRuns = new Map<string, (input: IdempotentInput<unknown>) => Promise<unknown>>();

/**
 * Same key and body: the first response again. Same key, other body: AppError
 * IDEMPOTENCY_KEY_REUSED (409). The first still running: AppError CONFLICT (409).
 */
export const idempotentPosts: IdempotencyRunner = async <R>(input: IdempotentInput<R>, context: Context): Promise<R> => {
  idempotencyConfig.registerLambdaContext(context);
  const table = tableName('idempotency');
  let idempotentRun = idempotentRuns.get(table);
  if (!idempotentRun) {
    idempotentRun = makeIdempotent(async (i: IdempotentInput<unknown>) => i.run(), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: table, awsSdkV3Client: dynamodb() }),
      config: idempotencyConfig,
    });
    idempotentRuns.set(table, idempotentRun);
  }
  try {
    return (await idempotentRun(input as IdempotentInput<unknown>)) as R;
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with another body');
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new AppError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry shortly');
    }
    throw error;
  }
};
