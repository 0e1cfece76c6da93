// uploadBankFiles over a batch of several parts, with the store's reads and S3 uploads replaced
// (fault injection: an upload that fails): every part of both formats is written, or the write
// fails as a whole; a failed CSV upload never leaves the pain.001 pass waiting for its totals.
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chunkRanges, type PaymentRecord, type PayoutBatch } from '../../../shared/domain/payouts/batch.ts';

const uploads = new Map<string, string>();
let failUpload: ((key: string) => boolean) | undefined;
const records: PaymentRecord[] = Array.from({ length: 7 }, (_, i) => ({
  batchId: 'pb_test',
  endToEndId: `MB202612-${String(i + 1).padStart(4, '0')}`,
  recipientId: `rcp_${i}`,
  creditorName: `收款人${i}`,
  bankName: '江苏银行',
  bankAccount: `6228480000${i}`,
  amountFen: 10_000 + i,
  status: 'RECORDED',
})) as PaymentRecord[];

vi.mock('../../../shared/adapters/payout-store.ts', () => ({
  chunkPayments: async (_batch: unknown, range: { first: string; last: string }) =>
    records.filter((p) => p.endToEndId >= range.first && p.endToEndId <= range.last),
  chunksDone: vi.fn(),
  getBatch: vi.fn(),
  transitionBatch: vi.fn(),
}));
vi.mock('../../../shared/adapters/bank-file-store.ts', () => ({
  uploadBankFile: async (key: string, body: Readable) => {
    // A failing upload gives up before reading its body, as a refused first request would.
    if (failUpload?.(key)) {
      body.destroy();
      throw new Error(`upload of ${key} refused`);
    }
    let text = '';
    for await (const chunk of body) text += String(chunk);
    uploads.set(key, text);
  },
}));
const { uploadBankFiles } = await import('../../../shared/usecases/payout-files.ts');

const batch = {
  batchId: 'pb_test',
  planned: { count: records.length, totalFen: records.reduce((sum, p) => sum + p.amountFen, 0) },
  chunks: chunkRanges(records.map((p) => p.endToEndId), 2),
} as PayoutBatch;

beforeEach(() => {
  uploads.clear();
  failUpload = undefined;
});

describe('uploadBankFiles in parts', () => {
  it('writes every part of both formats and returns the parts, adding up to the plan', async () => {
    const parts = await uploadBankFiles(batch, new Date('2026-12-01T01:00:00Z'), { maxPerFile: 3 });
    expect(parts.map((p) => [p.part, p.messageId, p.count, p.csvKey, p.pain001Key])).toEqual([
      [1, 'pb_test-1', 3, 'payouts/pb_test/payments-1-of-3.csv', 'payouts/pb_test/pain.001-1-of-3.xml'],
      [2, 'pb_test-2', 3, 'payouts/pb_test/payments-2-of-3.csv', 'payouts/pb_test/pain.001-2-of-3.xml'],
      [3, 'pb_test-3', 1, 'payouts/pb_test/payments-3-of-3.csv', 'payouts/pb_test/pain.001-3-of-3.xml'],
    ]);
    expect(parts.reduce((sum, p) => sum + p.totalFen, 0)).toBe(batch.planned!.totalFen);
    expect(uploads.size).toBe(6);
    expect(uploads.get('payouts/pb_test/pain.001-3-of-3.xml')).toContain('<NbOfTxs>1</NbOfTxs>');
    expect(uploads.get('payouts/pb_test/pain.001-3-of-3.xml')).toContain('<CtrlSum>100.06</CtrlSum>');
  });

  it('fails as a whole, without waiting forever, when a CSV part cannot be uploaded', async () => {
    failUpload = (key) => key.endsWith('payments-2-of-3.csv');
    await expect(uploadBankFiles(batch, new Date(), { maxPerFile: 3 })).rejects.toThrow(/payments-2-of-3\.csv refused/);
    expect([...uploads.keys()].some((key) => key.includes('-3-of-3'))).toBe(false);
  });

  it('is one part named as before parts existed within the limit', async () => {
    const parts = await uploadBankFiles(batch, new Date(), { maxPerFile: 7 });
    expect(parts).toMatchObject([{ part: 1, messageId: 'pb_test', count: 7, csvKey: 'payouts/pb_test/payments.csv', pain001Key: 'payouts/pb_test/pain.001.xml' }]);
  });
});
