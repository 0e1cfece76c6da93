// Bank files cut at the payer bank's per-file limit: parts that add up to the batch, each a whole file.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CSV_COLUMNS, writePain001, writePaymentsCsv, type Payment } from '../../../shared/domain/payouts/bank-files.ts';
import { cutIntoParts, partCounts, partHolds, partMessageId, partOfMessageId, type BankFilePart } from '../../../shared/domain/payouts/bank-file-parts.ts';
import { at, collect, collectUntilError, parseCsv, textAt, xmlTree } from './helpers.ts';

const batchId = 'pb_0123456789abcdef01234567';

function payment(n: number, amountFen: number): Payment {
  return {
    endToEndId: `PS202612-${String(n).padStart(6, '0')}`,
    recipientId: `rec-${n}`,
    creditorName: `收款人${n}`,
    bankName: '江苏银行仪征支行',
    bankAccount: `62284800000000${String(n).padStart(5, '0')}`,
    amountFen,
  };
}

async function* stream<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const totalsOf = (payments: Payment[]) => ({ count: payments.length, totalFen: payments.reduce((sum, p) => sum + p.amountFen, 0) });

/** Writes every part's CSV then its pain.001 (totals from the CSV pass), as uploadBankFiles does. */
async function writeParts(payments: Payment[], maxPerFile: number, declared = totalsOf(payments)) {
  const csvParts = cutIntoParts(stream(payments), declared, maxPerFile);
  const painParts = cutIntoParts(stream(payments), declared, maxPerFile);
  const files: Array<{ csv: string; xml: string; totals: Awaited<(typeof csvParts)[number]['totals']> }> = [];
  for (const [index, csvPart] of csvParts.entries()) {
    const csv = await collect(writePaymentsCsv(csvPart.payments, { bom: true }));
    const totals = await csvPart.totals;
    const header = {
      messageId: partMessageId(batchId, csvPart.part, csvParts.length),
      createdAt: '2026-12-01T09:00:00+08:00',
      executionDate: '2026-12-01',
      debtorName: '仪征市民政局社会救助专户',
      debtorAccount: '32050188360009000123',
      debtorAgentId: 'JSBKCNBJ',
      count: totals.count,
      totalFen: totals.totalFen,
    };
    const xml = await collect(writePain001(header, painParts[index]!.payments));
    files.push({ csv, xml, totals });
  }
  return files;
}

describe('partCounts', () => {
  it('is one part within the limit, full parts and a last remainder above it', () => {
    expect(partCounts(0, 3)).toEqual([0]);
    expect(partCounts(3, 3)).toEqual([3]);
    expect(partCounts(7, 3)).toEqual([3, 3, 1]);
    expect(partCounts(1_000_000, 50_000)).toHaveLength(20);
    expect(() => partCounts(5, 0)).toThrow(RangeError);
  });

  it('always adds up to the count with no part above the limit or empty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 5_000 }), (count, max) => {
        const counts = partCounts(count, max);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(count);
        expect(counts.every((c) => c >= 1 && c <= max)).toBe(true);
        expect(counts.length).toBe(Math.ceil(count / max));
      }),
    );
  });
});

describe('a batch above the per-file limit', () => {
  const payments = Array.from({ length: 7 }, (_, i) => payment(i + 1, 1000 + i * 37));

  it('is written as N parts whose counts and sums add up to the batch, each a whole CSV and pain.001', async () => {
    const files = await writeParts(payments, 3);
    expect(files).toHaveLength(3);
    expect(files.map((f) => f.totals.count)).toEqual([3, 3, 1]);
    expect(files.reduce((sum, f) => sum + f.totals.totalFen, 0)).toBe(totalsOf(payments).totalFen);

    const messageIds = new Set<string>();
    const seenIds: string[] = [];
    for (const [index, file] of files.entries()) {
      // The CSV: its own BOM and header, then exactly its part's rows.
      expect(file.csv.startsWith('\uFEFF')).toBe(true);
      const rows = parseCsv(file.csv.slice(1));
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      const csvIds = rows.slice(1).map((r) => r[0]!);
      expect(rows.slice(1).reduce((sum, r) => sum + Number(r[5]), 0)).toBe(file.totals.totalFen);

      // The pain.001: parses, its own MsgId, NbOfTxs and CtrlSum (yuan) matching its transactions.
      const doc = at(xmlTree(file.xml), 'CstmrCdtTrfInitn');
      const msgId = textAt(doc, 'GrpHdr', 'MsgId');
      expect(msgId).toBe(`${batchId}-${index + 1}`);
      messageIds.add(msgId);
      expect(textAt(doc, 'PmtInf', 'PmtInfId')).toBe(msgId);
      const txs = at(doc, 'PmtInf').children.filter((c) => c.name === 'CdtTrfTxInf');
      expect(textAt(doc, 'GrpHdr', 'NbOfTxs')).toBe(String(txs.length));
      expect(textAt(doc, 'PmtInf', 'NbOfTxs')).toBe(String(txs.length));
      expect(txs.length).toBe(file.totals.count);
      const yuanToFen = (text: string) => Math.round(Number(text) * 100);
      expect(yuanToFen(textAt(doc, 'GrpHdr', 'CtrlSum'))).toBe(file.totals.totalFen);
      expect(txs.reduce((sum, tx) => sum + yuanToFen(textAt(tx, 'Amt', 'InstdAmt')), 0)).toBe(file.totals.totalFen);
      const xmlIds = txs.map((tx) => textAt(tx, 'PmtId', 'EndToEndId'));
      expect(xmlIds).toEqual(csvIds);

      // The part's recorded range holds exactly its payments.
      expect([file.totals.firstEndToEndId, file.totals.lastEndToEndId]).toEqual([csvIds[0], csvIds.at(-1)]);
      for (const p of payments) expect(partHolds(file.totals, p.endToEndId)).toBe(csvIds.includes(p.endToEndId));
      seenIds.push(...csvIds);
    }
    expect(messageIds.size).toBe(3);
    expect(seenIds).toEqual(payments.map((p) => p.endToEndId)); // every payment once, in order
  });

  it('within the limit is one part named by the batch id, as before parts existed', async () => {
    const files = await writeParts(payments, 7);
    expect(files).toHaveLength(1);
    expect(textAt(at(xmlTree(files[0]!.xml), 'CstmrCdtTrfInitn'), 'GrpHdr', 'MsgId')).toBe(batchId);
  });

  it('finds the part a bank names by MsgId, and none for a MsgId of no part', () => {
    const parts = [1, 2].map((part) => ({ part, messageId: partMessageId(batchId, part, 2) }) as BankFilePart);
    expect(partOfMessageId(parts, `${batchId}-2`)?.part).toBe(2);
    expect(partOfMessageId(parts, batchId)).toBeUndefined();
    expect(partOfMessageId(parts, `${batchId}-3`)).toBeUndefined();
    expect(partOfMessageId(parts, undefined)).toBeUndefined();
  });

  it('fails the part being written when the stream is short, long, out of order or off the declared sum', async () => {
    const fails = async (stream: Payment[], declared = totalsOf(payments)) => {
      const parts = cutIntoParts(stream, declared, 3);
      for (const part of parts) {
        const { error } = await collectUntilError(writePaymentsCsv(part.payments));
        if (error) {
          await expect(part.totals).rejects.toBe(error);
          return { part: part.part, error };
        }
      }
      return undefined;
    };
    expect(await fails(payments.slice(0, 5))).toMatchObject({ part: 2, error: { code: 'TOTALS_MISMATCH' } });
    expect(await fails([...payments, payment(8, 100)])).toMatchObject({ part: 3, error: { code: 'TOTALS_MISMATCH' } });
    expect(await fails([payments[0]!, payments[2]!, payments[1]!, ...payments.slice(3)])).toMatchObject({ part: 1, error: { code: 'OUT_OF_ORDER' } });
    expect(await fails([payments[0]!, payments[0]!, ...payments.slice(2)])).toMatchObject({ part: 1, error: { code: 'OUT_OF_ORDER' } });
    expect(await fails(payments, { count: 7, totalFen: totalsOf(payments).totalFen + 1 })).toMatchObject({ part: 3, error: { code: 'TOTALS_MISMATCH' } });
    expect(await fails(payments)).toBeUndefined();
  });
});
