// The stable end-to-end id of one payment: what goes into pain.001 `PmtId/EndToEndId` and what
// the bank returns in pain.002 `OrgnlEndToEndId`. Derived, never random, so a retried write of the
// same payment produces the same id (and the bank and our records can never disagree about it).
import { createHash } from 'node:crypto';

/** ISO 20022 Max35Text. */
export const END_TO_END_ID_MAX_LENGTH = 35;

/** What every id produced here matches: uppercase letters, digits and hyphens, at most 35. */
export const END_TO_END_ID_PATTERN = /^[A-Z0-9-]{1,35}$/;

export interface EndToEndIdInput {
  batchId: string;
  /** e.g. `MONTHLY_BENEFIT` */
  program: string;
  /** `YYYY-MM` */
  period: string;
  recipientId: string;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Characters of the hash part: 24 base32 characters carry 120 bits. */
const HASH_CHARS = 24;
const MAX_INITIALS = 4;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Versioned domain separator: changing the derivation means changing this, never silently. */
const DOMAIN = 'tuodi/payout/end-to-end-id/v1';

/**
 * `endToEndId({ batchId: 'b1', program: 'MONTHLY_BENEFIT', period: '2022-11', recipientId: 'r1' })`
 * → `MB202211-` followed by 24 base32 characters of sha256 over all four inputs (33 characters).
 *
 * The prefix (program initials, at most 4, and the period as YYYYMM) is for people reading a bank
 * file; uniqueness comes from the hash alone. Only [A-Z0-9-] is used so that a bank that
 * upper-cases references still returns the id unchanged.
 */
export function endToEndId(input: EndToEndIdInput): string {
  const { batchId, program, period, recipientId } = input;
  for (const [name, value] of Object.entries({ batchId, program, recipientId })) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(`endToEndId: ${name} must be a non-empty string`);
    }
  }
  const match = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (!match) throw new RangeError(`endToEndId: period must be YYYY-MM, got ${JSON.stringify(period)}`);

  const prefix = `${programInitials(program)}${match[1]}${match[2]}`;
  // JSON of an array is an unambiguous encoding of the tuple: ('a,b','c') never collides with ('a','b,c').
  const digest = createHash('sha256')
    .update(JSON.stringify([DOMAIN, batchId, program, period, recipientId]), 'utf8')
    .digest();
  return `${prefix}-${base32(digest).slice(0, HASH_CHARS)}`;
}

/** `MONTHLY_BENEFIT` → `MB`, `ONE_TIME_LIVING` → `OTL`; at most 4; `X` when nothing usable. */
export function programInitials(program: string): string {
  const initials = program
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase())
    .join('')
    .slice(0, MAX_INITIALS);
  return initials.length > 0 ? initials : 'X';
}

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
