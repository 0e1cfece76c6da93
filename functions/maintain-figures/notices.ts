// The hospital notices' figure maintainer (see maintainer.ts): a patient is counted by their
// recipientId, a keyed HMAC, so it alone reads the recipientIdKey secret.
import { secretBytes } from '../../shared/adapters/secrets.ts';
import { figureMaintainer } from './maintainer.ts';

export const handler = figureMaintainer(() => secretBytes('recipientIdKey'));
