// The deployment's recipientId key: on AWS an SSM SecureString named in the topology (read once
// per process); locally its value comes straight from the environment the local stack sets.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { recipientIdFor } from '../domain/recipient-id.ts';
import { localSecretEnv, secretEnv } from '../topology.ts';

let key: Promise<Buffer> | undefined;

async function loadKey(): Promise<Buffer> {
  const local = process.env[localSecretEnv('recipientIdKey')];
  const hex =
    local ??
    (await (async () => {
      const name = process.env[secretEnv('recipientIdKey')];
      if (!name) throw new Error(`neither ${localSecretEnv('recipientIdKey')} nor ${secretEnv('recipientIdKey')} is set`);
      const ssm = new SSMClient({});
      try {
        const result = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
        return result.Parameter?.Value ?? '';
      } finally {
        ssm.destroy();
      }
    })());
  if (!/^[0-9a-f]{32,}$/i.test(hex)) throw new Error('the recipientId key must be at least 32 hex characters');
  return Buffer.from(hex, 'hex');
}

/** The recipientId of the person with this ID number (shared/domain/recipient-id.ts). */
export async function recipientIdOf(idNumber: string): Promise<string> {
  key ??= loadKey().catch((error: unknown) => {
    key = undefined; // a failed read is tried again on the next call
    throw error;
  });
  return recipientIdFor(await key, idNumber);
}
