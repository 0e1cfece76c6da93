// SDK clients, built once per process on first use (after the environment is complete).
// Endpoints come from the standard AWS_ENDPOINT_URL_* variables, which the local stack sets.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

/** Running against the local emulators (their endpoints are set). */
export const isLocal = () => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL_SQS);

export const dynamodb = /* @__PURE__ */ once(() => new DynamoDBClient({}));
export const documents = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(dynamodb(), { marshallOptions: { removeUndefinedValues: true } }),
);
// Locally the emulator's queue URLs carry a host that does not resolve.
export const sqs = /* @__PURE__ */ once(() => new SQSClient({ useQueueUrlAsEndpoint: !isLocal() }));
// S3's clients are in s3-clients.ts: a module that imports @aws-sdk/client-s3 brings its ~75 KiB
// into every bundle that imports the module, used or not.
