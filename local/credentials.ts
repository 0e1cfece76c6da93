// This install's AWS-style key pair for the emulators, kept in the data folder (mode 600). It is the
// secret that guards what loopback binding cannot: DynamoDB Local (it listens on every interface)
// keeps data per access key id, so a caller without this id sees an empty database; the S3 front
// accepts only requests signed with this secret.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const credentialsFileName = 'credentials.json';

/** A fresh pair: an id shaped like AWS's (AKIA + 16 of A–Z2–7) and a 40-character secret. */
export function newCredentials(): LocalCredentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

/** The pair kept in dataDir, created on first use; without dataDir, a fresh one (tests). */
export function localCredentials(dataDir?: string): LocalCredentials {
  if (!dataDir) return newCredentials();
  const file = join(dataDir, credentialsFileName);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(newCredentials()), { mode: 0o600, flag: 'wx' });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as LocalCredentials;
}
