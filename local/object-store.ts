// S3 for the local stack: s3rver keeps objects as files, and a front in this process listens
// on loopback only and checks every request's Signature Version 4 as S3 does — the Authorization
// header or a presigned URL, signature and expiry — because s3rver 3.7 checks only that a V4
// access key id exists. Anonymous requests get 403, as a private bucket answers.
// s3rver acknowledges a PUT (object or part) before its file is written and overwrites in place;
// its store is replaced by one that writes a temporary file, waits for it to close and renames it,
// so an acknowledged object is whole on disk (it survives a SIGKILL of the process) and a PUT cut
// short leaves the previous object as it was.
import { createHash, createHmac, randomUUID, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalCredentials } from './credentials.ts';

const require = createRequire(import.meta.url);

/** s3rver's own types are not published; the part used here. */
interface S3rverApp {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  context: { store: unknown };
}
interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
}
type FilesystemStoreConstructor = new (directory: string) => FilesystemStore;
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverApp;
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}

/** The clock skew S3 accepts on a header-signed request. */
const allowedSkewMs = 15 * 60 * 1000;

export interface ObjectStore {
  endpoint: string;
  stop(): Promise<void>;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): BinaryLike =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** node:crypto in the shape the signer asks for. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** Starts s3rver on files under `directory` behind a verifying front on 127.0.0.1:port. */
export async function startObjectStore(options: {
  directory: string;
  port: number;
  credentials: LocalCredentials;
  region: string;
}): Promise<ObjectStore> {
  mkdirSync(options.directory, { recursive: true });
  const S3rver = require('s3rver') as S3rverConstructor;
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };
  // s3rver's well-known key pair would let anyone sign; only this install's key is accepted.
  DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  DUMMY_ACCOUNT.createKeyPair(options.credentials.accessKeyId, options.credentials.secretAccessKey);
  const s3rver = new S3rver({ directory: options.directory, silent: true, vhostBuckets: false });
  s3rver.context.store = durableStore(options.directory);
  const forward = s3rver.callback();
  const verify = signatureVerifier(options.credentials);

  const server = createServer((req, res) => {
    if (corsAnswered(req, res)) return;
    verify(req).then(
      (refusal) => (refusal ? refuse(res, refusal) : forward(req, res)),
      (error: Error) => refuse(res, { status: 403, code: 'AccessDenied', message: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The bucket CORS rule the console needs (the browser PUTs documents to presigned URLs and reads
 * notices from them): origins on loopback, as a deployed bucket would allow the console's origin
 * (S3's AllowedOrigin `http://127.0.0.1:*`). Answers a preflight here (it carries no signature);
 * on other requests only adds the headers. True when the request has been answered.
 */
function corsAnswered(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!origin || !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'ETag');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(200, {
    'access-control-allow-methods': 'GET, PUT, HEAD',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
    'access-control-max-age': '3000',
  });
  res.end();
  return true;
}

/** Writes `content` to a temporary file beside `path`, then renames it there once closed. */
async function writeWhole(path: string, content: Buffer | string | Readable): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const source = typeof content === 'string' || Buffer.isBuffer(content) ? [Buffer.from(content)] : content;
  try {
    await pipeline(source, measure, createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { size, md5: md5.digest('hex') };
}

function durableStore(directory: string): FilesystemStore {
  const keptMetadata = new Set((require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] }).ALLOWED_METADATA);
  const Base = require('s3rver/lib/stores/filesystem') as FilesystemStoreConstructor;
  class DurableFilesystemStore extends Base {
    async putObject(object: S3rverObject): Promise<{ size: number; md5: string }> {
      const written = await writeWhole(this.getResourcePath(object.bucket, object.key, 'object'), object.content);
      await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
      return written;
    }
    override async putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void> {
      const kept = Object.fromEntries(
        Object.entries(metadata).filter(([name]) => keptMetadata.has(name) || name.startsWith('x-amz-meta-')),
      );
      if (md5) await writeWhole(this.getResourcePath(bucket, key, 'object.md5'), md5);
      await writeWhole(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
    }
    async putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ size: number; md5: string }> {
      const path = `${this.getResourcePath(bucket, undefined, 'uploads')}/${uploadId}/${partNumber}`;
      const written = await writeWhole(path, content);
      await writeWhole(`${path}.md5`, written.md5);
      return written;
    }
  }
  return new DurableFilesystemStore(directory);
}

interface Refusal {
  status: number;
  code: string;
  message: string;
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(refusal.status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`);
}

const presignParameters = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Content-Sha256',
];

/** "20261129T174309Z" → Date */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Returns a refusal for a request S3 would refuse, undefined for one it would serve. */
export function signatureVerifier(credentials: LocalCredentials): (req: IncomingMessage) => Promise<Refusal | undefined> {
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const denied = (message: string): Refusal => ({ status: 403, code: 'AccessDenied', message });
  const mismatch: Refusal = {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided.',
  };

  return async (req) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const params = url.searchParams;
    const authorization = req.headers.authorization;
    const presigned = params.has('X-Amz-Signature');
    if (!authorization && !presigned) return denied('Anonymous access is not allowed.');
    if (authorization && presigned) return { status: 400, code: 'InvalidArgument', message: 'Only one auth mechanism allowed.' };

    let credential: string;
    let signedHeaderNames: string[];
    let provided: string;
    let date: Date | undefined;
    if (authorization) {
      const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(authorization);
      if (!m) return denied('Only AWS4-HMAC-SHA256 authorization is accepted.');
      [credential, signedHeaderNames, provided] = [m[1]!, m[2]!.split(';'), m[3]!];
      date = parseAmzDate(header(req, 'x-amz-date'));
      if (!date) return denied('AWS authentication requires a valid x-amz-date header.');
      if (Math.abs(Date.now() - date.getTime()) > allowedSkewMs) {
        return { status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' };
      }
    } else {
      if (params.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return denied('Only AWS4-HMAC-SHA256 is accepted.');
      credential = params.get('X-Amz-Credential') ?? '';
      signedHeaderNames = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
      provided = params.get('X-Amz-Signature') ?? '';
      date = parseAmzDate(params.get('X-Amz-Date') ?? undefined);
      const expiresIn = Number(params.get('X-Amz-Expires'));
      if (!date || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) {
        return denied('X-Amz-Date and X-Amz-Expires must be valid.');
      }
      if (Date.now() > date.getTime() + expiresIn * 1000) return denied('Request has expired');
    }
    const [accessKeyId, , region, service] = credential.split('/');
    if (accessKeyId !== credentials.accessKeyId) {
      return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
    }
    if (service !== 's3' || !region) return denied('The credential scope must name s3 and a region.');

    const headers: Record<string, string> = {};
    for (const name of signedHeaderNames) {
      const value = header(req, name);
      if (value === undefined) return mismatch;
      headers[name] = value;
    }
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of params) {
      if (presigned && presignParameters.includes(key)) continue;
      const existing = query[key];
      query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const request = {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: 'local',
      path: rawPath,
      query,
      headers,
    };
    const signableHeaders = new Set(signedHeaderNames);
    if (authorization) {
      const signed = await signer.sign(request, { signingDate: date, signingRegion: region, signableHeaders });
      const expected = /Signature=([0-9a-f]+)$/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
      return expected && sameSignature(expected, provided) ? undefined : mismatch;
    }
    // A presigned URL's payload is unsigned; the SDK signs that marker as a hoisted header, named so.
    request.headers['X-Amz-Content-Sha256'] = params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    const signed = await signer.presign(request, {
      signingDate: date,
      signingRegion: region,
      expiresIn: Number(params.get('X-Amz-Expires')),
      signableHeaders,
    });
    const expected = String(signed.query?.['X-Amz-Signature'] ?? '');
    return sameSignature(expected, provided) ? undefined : mismatch;
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}
