// The payout files in S3: bank files streamed into their Object Lock bucket, bank reports kept as
// received. Apart from payout-store.ts so the planner and payer bundles carry no S3 client.
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3 } from './s3-clients.ts';
import { bucketName } from './resources.ts';

/** Streams a bank file into its Object Lock bucket (multipart): a failing stream leaves no object. */
export async function uploadBankFile(key: string, body: Readable, contentType: string): Promise<void> {
  await new Upload({
    client: s3(),
    params: { Bucket: bucketName('bankFiles'), Key: key, Body: body, ContentType: contentType },
    queueSize: 2,
    leavePartsOnError: false,
  }).done();
}

/** A bank report (or other export) stored as the text it was read as. */
export async function putExport(key: string, body: string, contentType: string): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucketName('exports'), Key: key, Body: body, ContentType: contentType }));
}

export async function readExport(key: string): Promise<string> {
  const result = await s3().send(new GetObjectCommand({ Bucket: bucketName('exports'), Key: key }));
  return result.Body!.transformToString('utf-8');
}
