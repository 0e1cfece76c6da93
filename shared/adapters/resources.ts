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
  const raw = process.env.TUODI_PAYMENTS_PER_CHUNK;
  if (raw === undefined || raw === '') return paymentsPerChunk;
  const size = Number(raw);
  if (!Number.isSafeInteger(size) || size < 1 || size > paymentsPerChunk) {
    throw new Error(`TUODI_PAYMENTS_PER_CHUNK must be an integer from 1 to ${paymentsPerChunk}, not ${JSON.stringify(raw)}`);
  }
  return size;
}

/**
 * The payment write shards every new batch gets, from TUODI_PAYMENT_SHARDS, which only a local
 * stack sets (so that tests cover several shards with a hundred people); undefined: decided from
 * the batch's estimated size (domain paymentShardCount). Throws on a value outside 1 to
 * maxPaymentShards.
 */
export function paymentShardsSetting(): number | undefined {
  const raw = process.env.TUODI_PAYMENT_SHARDS;
  if (raw === undefined || raw === '') return undefined;
  const shards = Number(raw);
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > maxPaymentShards) {
    throw new Error(`TUODI_PAYMENT_SHARDS must be an integer from 1 to ${maxPaymentShards}, not ${JSON.stringify(raw)}`);
  }
  return shards;
}
