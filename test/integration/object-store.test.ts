// The local S3 (s3rver behind a verifying front): objects survive a restart, multipart uploads
// (lib-storage, as the bank-file writer uses) arrive whole, and only requests signed with this
// install's secret are served, presigned URLs until they expire — as S3 answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials } from '../../local/credentials.ts';
import { freePort, localRegion } from '../../local/emulators.ts';
import { startObjectStore, type ObjectStore } from '../../local/object-store.ts';

const credentials = newCredentials();
const directory = mkdtempSync(join(tmpdir(), 'tuodi-object-store-'));
const bucket = 'tuodi-bankfiles';
let store: ObjectStore;
let port: number;
const client = (secret = credentials.secretAccessKey) =>
  new S3Client({
    endpoint: store.endpoint,
    region: localRegion,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: secret },
    forcePathStyle: true,
  });
const start = async () => (store = await startObjectStore({ directory, port, credentials, region: localRegion }));

beforeAll(async () => {
  port = await freePort();
  await start();
  await client().send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  await store?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('the local S3', () => {
  // 12 MiB in two stream chunks: lib-storage sends three parts of 5 MiB at most.
  const big = Buffer.alloc(12 * 1024 * 1024, 'x');
  big.write('FIRST');
  big.write('LAST', big.length - 4);
  const key = '付款/2026-12/批次 1+2.csv';

  it('keeps a multipart upload whole across a restart', async () => {
    const upload = new Upload({
      client: client(),
      params: { Bucket: bucket, Key: key, Body: Readable.from([big.subarray(0, 7e6), big.subarray(7e6)]), ContentType: 'text/csv' },
    });
    await upload.done();
    await store.stop();
    await start();
    const got = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    expect(body.length).toBe(big.length);
    expect(body.equals(big)).toBe(true);
    expect(got.ContentType).toBe('text/csv');
  });

  it('serves a presigned URL until it expires, and nothing else', async () => {
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'notice.html', Body: '<p>公示</p>', ContentType: 'text/html' }));
    const command = new GetObjectCommand({ Bucket: bucket, Key: 'notice.html' });
    const url = await getSignedUrl(client(), command, { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('<p>公示</p>');

    const expired = await getSignedUrl(client(), command, { expiresIn: 60, signingDate: new Date(Date.now() - 61_000) });
    const refusals = {
      anonymous: `${store.endpoint}/${bucket}/notice.html`,
      expired,
      'another key': url.replace('notice.html', 'x.csv'),
      'a longer expiry': url.replace('X-Amz-Expires=60', 'X-Amz-Expires=6000'),
      'a wrong secret': await getSignedUrl(client('not-the-secret'), command, { expiresIn: 60 }),
    };
    for (const [what, refused] of Object.entries(refusals)) {
      const response = await fetch(refused);
      expect({ what, status: response.status, data: (await response.text()).includes('公示') }).toEqual({ what, status: 403, data: false });
    }
  });

  it('refuses a request signed with another secret', async () => {
    const other = client('not-the-secret');
    await expect(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'notice.html' }))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    other.destroy();
  });

  it('binds presigned uploads to their size', async () => {
    const uploads = new S3Client({
      endpoint: store.endpoint,
      region: localRegion,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const put = new PutObjectCommand({ Bucket: bucket, Key: 'doc.pdf', ContentType: 'application/pdf', ContentLength: 4 });
    const url = await getSignedUrl(uploads, put, { expiresIn: 60, signableHeaders: new Set(['content-length']) });
    const headers = { 'content-type': 'application/pdf' };
    expect((await fetch(url, { method: 'PUT', body: 'abcdef', headers })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'abcd', headers })).status).toBe(200);
    uploads.destroy();
  });
});
