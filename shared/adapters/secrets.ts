// The deployment's secrets (shared/topology.ts `secrets`): on AWS an SSM SecureString read once per
// process; locally the value comes straight from the environment the local stack sets.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { localSecretEnv, secretEnv, type SecretName } from '../topology.ts';

// Keyed by the local value as well: a test process runs several local stacks, each with its own.
const cache = new Map<string, Promise<Buffer>>();

async function load(secret: SecretName): Promise<Buffer> {
  let hex = process.env[localSecretEnv(secret)];
  if (hex === undefined) {
    const name = process.env[secretEnv(secret)];
    if (!name) throw new Error(`neither ${localSecretEnv(secret)} nor ${secretEnv(secret)} is set`);
    const ssm = new SSMClient({});
    try {
      hex = (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value ?? '';
    } finally {
      ssm.destroy();
    }
  }
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`the secret ${secret} must be 64 hex characters (32 bytes)`);
  return Buffer.from(hex, 'hex');
}

/** A secret's 32 bytes. A failed read is tried again on the next call. */
export function secretBytes(secret: SecretName): Promise<Buffer> {
  const key = `${secret}/${process.env[localSecretEnv(secret)] ?? ''}`;
  let value = cache.get(key);
  if (!value) {
    value = load(secret).catch((error: unknown) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, value);
  }
  return value;
}
