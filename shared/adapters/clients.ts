// SDK clients, built once per process on first use (after the environment is complete).
// Endpoints come from the standard AWS_ENDPOINT_URL_* variables, which the local stack sets.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

function once<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

const isLocal = () => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL_SQS);

export const dynamodb = /* @__PURE__ */ once(() => new DynamoDBClient({}));
export const documents = /* @__PURE__ */ once(() =>
  DynamoDBDocumentClient.from(dynamodb(), { marshallOptions: { removeUndefinedValues: true } }),
);
// Locally the emulator's queue URLs carry a host that does not resolve; path-style S3 likewise.
export const sqs = /* @__PURE__ */ once(() => new SQSClient({ useQueueUrlAsEndpoint: !isLocal() }));
export const s3 = /* @__PURE__ */ once(() => new S3Client({ forcePathStyle: isLocal() }));
// Presigned URLs need a client that adds no flexible checksum: by default the URL would carry the
// CRC32 of an empty body, and S3 would refuse every real upload made with it.
export const s3Presigner = /* @__PURE__ */ once(
  () => new S3Client({ forcePathStyle: isLocal(), requestChecksumCalculation: 'WHEN_REQUIRED' }),
);
