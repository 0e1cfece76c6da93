// Streams one batch's CSV and pain.001 (every part) to S3 in this fresh process, as writeBankFiles does, and
// prints its peak memory as JSON; run by bench/payouts.ts with the local stack's environment.
import { getBatch } from '../shared/adapters/payout-store.ts';
import { uploadBankFiles } from '../shared/usecases/payout-files.ts';

const batchId = process.argv[2]!;
const batch = (await getBatch(batchId))!;
// Live heap: measured right after a forced collection, so garbage not yet collected does not count.
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
let peakHeap = 0;
let peakRss = 0;
const sample = () => {
  collect();
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
};
const timer = setInterval(sample, 50);
const started = performance.now();
// The payer bank's per-file limit (or TUODI_MAX_PAYMENTS_PER_FILE) applies: a batch above it is written in parts.
const parts = await uploadBankFiles(batch, new Date(), { prefix: `bench/${batchId}` });
clearInterval(timer);
sample();
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ payments: batch.planned!.count, parts: parts.length, peakHeapMiB: peakHeap / 2 ** 20, peakRssMiB: peakRss / 2 ** 20, seconds }));
