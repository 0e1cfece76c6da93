// Presigned S3 URLs: uploads bound to their content type and size, downloads that expire.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BucketName } from '../topology.ts';
import { s3Presigner } from './s3-clients.ts';
import { bucketName } from './resources.ts';

/**
 * A URL to PUT one file to, for `seconds`. Content-Type and Content-Length are signed in, so S3
 * refuses an upload of another type or size.
 */
export async function presignUpload(
  objectKey: string,
  contentType: string,
  sizeBytes: number,
  seconds: number,
): Promise<string> {
  return getSignedUrl(
    s3Presigner(),
    new PutObjectCommand({
      Bucket: bucketName('documents'),
      Key: objectKey,
      ContentType: contentType,
      ContentLength: sizeBytes,
    }),
    { expiresIn: seconds, signableHeaders: new Set(['content-type', 'content-length']) },
  );
}

export async function presignDownload(bucket: BucketName, objectKey: string, seconds: number): Promise<string> {
  return getSignedUrl(s3Presigner(), new GetObjectCommand({ Bucket: bucketName(bucket), Key: objectKey }), {
    expiresIn: seconds,
  });
}

