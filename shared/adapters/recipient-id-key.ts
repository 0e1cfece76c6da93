// The recipientId of a person: the HMAC of the ID number under the deployment's recipientIdKey,
// read through the one secrets adapter (shared/adapters/secrets.ts).
import { recipientIdFor } from '../domain/recipient-id.ts';
import { secretBytes } from './secrets.ts';

/** The recipientId of the person with this ID number (shared/domain/recipient-id.ts). */
export async function recipientIdOf(idNumber: string): Promise<string> {
  return recipientIdFor(await secretBytes('recipientIdKey'), idNumber);
}
