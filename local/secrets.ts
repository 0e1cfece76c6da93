// Per-install secrets of the local stack, generated once into the data folder (git-ignored) and
// handed to the handlers through the environment, as SSM would hand them over on AWS.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localSecretEnv, secrets, type SecretName } from '../shared/topology.ts';

/** Reads (or creates, once) every secret of the topology under `dataDir`; answers the environment to set. */
export function localSecrets(dataDir: string): Record<string, string> {
  mkdirSync(dataDir, { recursive: true });
  const env: Record<string, string> = {};
  for (const name of Object.keys(secrets) as SecretName[]) {
    const file = join(dataDir, `secret-${name}.hex`);
    // 'wx': of two stacks starting on one folder, the first writes and the second reads its value.
    if (!existsSync(file)) {
      try {
        writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    env[localSecretEnv(name)] = readFileSync(file, 'utf8').trim();
  }
  return env;
}
