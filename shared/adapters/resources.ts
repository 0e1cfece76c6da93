// Physical names of the resources a function may touch, and its few settings, read from the
// environment that infra/ (on AWS) or local/ (on this machine) sets from the topology.
import { maxPaymentShards, paymentsPerChunk } from '../domain/payouts/batch.ts';
import {
  bucketEnv,
  queueEnv,
  tableEnv,
  type BucketName,
  type QueueName,
  type TableName,
} from '../topology.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const tableName = (table: TableName): string => required(tableEnv(table));
export const queueUrl = (queue: QueueName): string => required(queueEnv(queue));
export const bucketName = (bucket: BucketName): string => required(bucketEnv(bucket));

/**
 * Payments per chunk message: the domain's `paymentsPerChunk` (500), or a smaller positive integer
 * from TUODI_PAYMENTS_PER_CHUNK, which only a local stack sets (so that tests cover several chunks
 * with a hundred people instead of a thousand). Throws on any other value: a typo never pays in
 * chunks nobody chose.
 */
export function chunkSizeSetting(): number {
  return localIntegerSetting('TUODI_PAYMENTS_PER_CHUNK', paymentsPerChunk) ?? paymentsPerChunk;
}

/**
 * The payment write shards every new batch gets, from TUODI_PAYMENT_SHARDS, which only a local
 * stack sets (so that tests cover several shards with a hundred people); undefined: decided from
 * the batch's estimated size (domain paymentShardCount). Throws on a value outside 1 to
 * maxPaymentShards.
 */
export function paymentShardsSetting(): number | undefined {
  return localIntegerSetting('TUODI_PAYMENT_SHARDS', maxPaymentShards);
}

/**
 * An integer setting only a local stack sets, from the environment: undefined when unset or empty.
 * Throws on anything but an integer from 1 to `max`: a typo never runs with a value nobody chose.
 */
export function localIntegerSetting(name: string, max: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be an integer from 1 to ${max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}
