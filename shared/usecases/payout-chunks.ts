// Payout batches (worker): an approved batch is dispatched as chunk messages, each recording its
// payments; the last chunk queues the bank files.
import { send, sendAll } from '../adapters/queue.ts';
import { chunkEntry, type PaymentRecord } from '../domain/payouts/batch.ts';
import { chunkPayments, chunksDone, getBatch, getChunkDone, putChunkDone, putPayments } from '../adapters/payout-store.ts';
import { pausePoint } from '../observability/pause-point.ts';
import { countBusinessEvent } from '../observability/metrics.ts';

export async function dispatchChunks(batchId: string): Promise<void> {
  const batch = await getBatch(batchId);
  if (batch?.status !== 'PAYING') return;
  await sendAll('payoutChunks', batch.chunks!.map((_, chunk) => ({ kind: 'chunk' as const, batchId, chunk })));
}

/**
 * Records one chunk's payments. A redelivered chunk records nothing twice (each payment is
 * written from PLANNED to RECORDED by its stable key), and a chunk whose worker died halfway
 * is finished by the redelivery. The last chunk to finish queues the bank files.
 */
export async function payChunk(
  batchId: string,
  chunk: number,
  now: Date,
  write: (payments: PaymentRecord[]) => Promise<void> = putPayments,
): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PAYING') return 'not-paying';
  const range = batch.chunks?.[chunk];
  if (!range) throw new Error(`batch ${batchId} has no chunk ${chunk}`);
  if (!(await getChunkDone(batchId, chunk))) {
    const payments = await chunkPayments(batch, range);
    if (payments.length !== range.count) {
      throw new Error(`chunk ${chunk} of ${batchId}: ${payments.length} payments found, ${range.count} planned`);
    }
    const at = now.toISOString();
    const planned = payments.filter((p) => p.status === 'PLANNED');
    await write(planned.map((p) => ({ ...p, status: 'RECORDED', recordedAt: at })));
    countBusinessEvent('PaymentsRecorded', batch.program, planned.length);
    await pausePoint('payout-chunk-recorded', { batchId, chunk });
    await putChunkDone({
      batchId,
      entry: chunkEntry(chunk),
      recordedCount: payments.length,
      recordedFen: payments.reduce((sum, p) => sum + p.amountFen, 0),
      at,
    });
  }
  // Checked on every delivery, so a worker that died after marking its chunk still gets the files queued.
  if ((await chunksDone(batchId)).length === batch.chunks!.length) await send('payoutFiles', { kind: 'files', batchId });
  return 'recorded';
}
