// Physical names of the resources a function may touch, read from the environment that
// infra/ (on AWS) or local/ (on this machine) sets from the topology.
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
