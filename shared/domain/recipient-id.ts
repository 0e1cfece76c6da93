// A person's recipientId: the same whichever import or enrolment wrote their record, and
// revealing nothing of the ID number without the deployment's key.
import { createHmac } from 'node:crypto';

/** Versioned domain separator: changing the derivation means changing this, never silently. */
const DOMAIN = 'tuodi/recipient-id/v1';

/**
 * `rcp_` + the first 32 hex characters (128 bits) of HMAC-SHA256(key, DOMAIN:idNumber).
 * `key` is the deployment's secret (at least 16 bytes); the same key and ID number always give
 * the same id, which is what makes a payout claim `(program, period, recipientId)` a claim per person.
 */
export function recipientIdFor(key: Uint8Array, idNumber: string): string {
  if (key.length < 16) throw new RangeError('recipientIdFor: the key must be at least 16 bytes');
  return `rcp_${createHmac('sha256', key).update(`${DOMAIN}:${idNumber}`, 'utf8').digest('hex').slice(0, 32)}`;
}
