// The S3 clients, built once per process on first use, apart from clients.ts so that functions
// granted no bucket (the planner, the pay worker) bundle no S3 code.
import { S3Client } from '@aws-sdk/client-s3';
import { isLocal, once } from './clients.ts';

// Locally path-style: the emulator's virtual-host names do not resolve.
export const s3 = /* @__PURE__ */ once(() => new S3Client({ forcePathStyle: isLocal() }));
// Presigned URLs need a client that adds no flexible checksum: by default the URL would carry the
// CRC32 of an empty body, and S3 would refuse every real upload made with it.
export const s3Presigner = /* @__PURE__ */ once(
  () => new S3Client({ forcePathStyle: isLocal(), requestChecksumCalculation: 'WHEN_REQUIRED' }),
);
