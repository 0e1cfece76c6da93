// The reason a queue message's work gave up, written on its record (no status change): for
// records whose own job re-drives them (hospital notices: requeue-pending-notices) or that an
// officer reopens (applications). Kept apart from recovery.ts so these workers bundle no payout code.
import type { TableName } from '../topology.ts';
import { recordLastFailure } from '../adapters/recovery-store.ts';

export async function recordGaveUp(
  table: Extract<TableName, 'hospitalNotices' | 'applications'>,
  key: Record<string, unknown>,
  reason: string,
  receiveCount: number,
): Promise<void> {
  await recordLastFailure(table, key, { at: new Date().toISOString(), reason, receiveCount });
}
