// Ids of the records Tuodi makes: a kind prefix and 96 random bits, so ids of different kinds never
// pass for each other and none can be guessed. At most 28 characters for a 3-letter prefix, so a batch
// id fits the bank file's 35-character GrpHdr/MsgId (shared/domain/payouts/bank-files.ts).
import { randomBytes } from 'node:crypto';

/** `${prefix}_` and 24 lowercase hex digits, e.g. `newId('pb')` → `pb_3b1f0c9e8d7a6b5c4d3e2f1a`. */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;
