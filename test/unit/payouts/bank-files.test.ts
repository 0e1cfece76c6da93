import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BankFileError,
  CSV_COLUMNS,
  PAIN_001_NAMESPACE,
  formatFenAsYuan,
  writePain001,
  writePaymentsCsv,
  type Pain001Header,
  type Payment,
} from '../../../shared/domain/payouts/bank-files.ts';
import { at, collect, collectUntilError, parseCsv, textAt, xmlTree } from './helpers.ts';

function payment(n: number, amountFen: number, extra: Partial<Payment> = {}): Payment {
  return {
    endToEndId: `MB202211-TEST${String(n).padStart(4, '0')}`,
    recipientId: `rec-${n}`,
    creditorName: `收款人${n}`,
    bankName: '中国农业银行仪征支行',
    bankAccount: `62284800000000${String(n).padStart(5, '0')}`,
    amountFen,
    ...extra,
  };
}

async function* stream<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function header(payments: Payment[], extra: Partial<Pain001Header> = {}): Pain001Header {
  return {
    messageId: 'PB-2022-11-0001',
    createdAt: '2022-11-25T09:30:00+08:00',
    count: payments.length,
    totalFen: payments.reduce((sum, p) => sum + p.amountFen, 0),
    executionDate: '2022-11-28',
    debtorName: '仪征市民政局',
    debtorAccount: '3210000000000000001',
    debtorAgentId: 'ABOCCNBJ100',
    ...extra,
  };
}

function bankFileError(code: string) {
  return expect.objectContaining({ name: 'BankFileError', code });
}

describe('formatFenAsYuan', () => {
  it('formats fen exactly', () => {
    expect(formatFenAsYuan(0)).toBe('0.00');
    expect(formatFenAsYuan(1)).toBe('0.01');
    expect(formatFenAsYuan(99)).toBe('0.99');
    expect(formatFenAsYuan(100)).toBe('1.00');
    expect(formatFenAsYuan(123456)).toBe('1234.56');
    expect(formatFenAsYuan(-5)).toBe('-0.05');
    expect(formatFenAsYuan(-123456)).toBe('-1234.56');
    // Beyond what a double can carry after division by 100: must still be exact.
    expect(formatFenAsYuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
    expect(formatFenAsYuan(12345678901234567890n)).toBe('123456789012345678.90');
  });

  it('round-trips every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        const text = formatFenAsYuan(fen);
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        expect(BigInt(text.replace('.', ''))).toBe(BigInt(fen));
      }),
    );
  });

  it('refuses non-integers', () => {
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => formatFenAsYuan(bad)).toThrow(RangeError);
    }
  });
});

describe('writePaymentsCsv', () => {
  it('writes the header and one CRLF-terminated row per payment', async () => {
    const csv = await collect(writePaymentsCsv(stream([payment(1, 1), payment(2, 99), payment(3, 123456)])));
    expect(csv).toBe(
      'endToEndId,recipientId,creditorName,bankName,bankAccount,amountFen,amountYuan\r\n' +
        'MB202211-TEST0001,rec-1,收款人1,中国农业银行仪征支行,6228480000000000001,1,0.01\r\n' +
        'MB202211-TEST0002,rec-2,收款人2,中国农业银行仪征支行,6228480000000000002,99,0.99\r\n' +
        'MB202211-TEST0003,rec-3,收款人3,中国农业银行仪征支行,6228480000000000003,123456,1234.56\r\n',
    );
    expect(CSV_COLUMNS.join(',')).toBe('endToEndId,recipientId,creditorName,bankName,bankAccount,amountFen,amountYuan');
  });

  it('quotes commas, quotes and line breaks, and defuses formulas', async () => {
    const rows = [
      payment(1, 100, { creditorName: 'Wang, Li', bankName: 'Bank "East"' }),
      payment(2, 100, { creditorName: 'line\nbreak' }),
      payment(3, 100, { creditorName: '=HYPERLINK("http://x")', bankName: '+86' }),
      payment(4, 100, { creditorName: '-1+1', bankName: '@SUM(A1)', recipientId: '\tx' }),
      payment(5, 100, { creditorName: 'a=b' }),
    ];
    const csv = await collect(writePaymentsCsv(rows));
    const lines = csv.split('\r\n');
    expect(lines[1]).toContain(',"Wang, Li","Bank ""East""",');
    expect(csv).toContain(',"line\nbreak",');
    expect(lines[3]).toContain(`,"'=HYPERLINK(""http://x"")",'+86,`);
    expect(lines[4]).toContain(`,'\tx,'-1+1,'@SUM(A1),`);
    expect(lines[5]).toContain(',a=b,');

    const parsed = parseCsv(csv);
    expect(parsed).toHaveLength(rows.length + 1);
    expect(parsed.slice(1).map((r) => r[2])).toEqual(['Wang, Li', 'line\nbreak', `'=HYPERLINK("http://x")`, "'-1+1", 'a=b']);
  });

  it('round-trips arbitrary text cells (modulo the formula guard)', async () => {
    const text = fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }).filter((s) => s.trim().length > 0);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text, fc.integer({ min: 1, max: 10 ** 12 })), { maxLength: 8 }), async (raw) => {
        const payments = raw.map(([name, bank, fen], i) =>
          payment(i, fen, { creditorName: [...name].slice(0, 140).join(''), bankName: [...bank].slice(0, 140).join('') }),
        );
        const rows = parseCsv(await collect(writePaymentsCsv(stream(payments), { chunkChars: 7 })));
        expect(rows[0]).toEqual([...CSV_COLUMNS]);
        const guard = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
        expect(rows.slice(1)).toEqual(
          payments.map((p) => [
            p.endToEndId,
            p.recipientId,
            guard(p.creditorName),
            guard(p.bankName),
            p.bankAccount,
            String(p.amountFen),
            formatFenAsYuan(p.amountFen),
          ]),
        );
      }),
    );
  });

  it('can start with a BOM', async () => {
    expect((await collect(writePaymentsCsv([], { bom: true }))).startsWith('\uFEFFendToEndId,')).toBe(true);
    expect((await collect(writePaymentsCsv([]))).startsWith('endToEndId,')).toBe(true);
  });

  it('checks expected totals when given', async () => {
    const rows = [payment(1, 100), payment(2, 200)];
    const ok = await collect(writePaymentsCsv(rows, { expected: { count: 2, totalFen: 300 } }));
    expect(ok.split('\r\n')).toHaveLength(4); // header, two rows, and the empty string after the last CRLF
    await expect(collect(writePaymentsCsv(rows, { expected: { count: 3, totalFen: 300 } }))).rejects.toEqual(
      bankFileError('TOTALS_MISMATCH'),
    );
    await expect(collect(writePaymentsCsv(rows, { expected: { count: 2, totalFen: 301 } }))).rejects.toEqual(
      bankFileError('TOTALS_MISMATCH'),
    );
  });

  it('pulls payments lazily and yields before the source is exhausted', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Payment> {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield payment(i, 100);
      }
    }
    const writer = writePaymentsCsv(source(), { chunkChars: 200 });
    const first = await writer.next();
    expect(first.done).toBe(false);
    expect(pulled).toBeLessThan(10);
    await writer.return(undefined);
  });
});

describe('writePain001', () => {
  const payments = [
    payment(1, 1),
    payment(2, 99, { creditorName: `Tom & "Jerry" <O'Neil>` }),
    payment(3, 123456),
  ];

  it('writes GrpHdr totals, one PmtInf and one CdtTrfTxInf per payment', async () => {
    const xml = await collect(writePain001(header(payments), stream(payments)));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);

    // Independent of our scanner: plain regex counts.
    expect(xml.match(/<CdtTrfTxInf>/g)).toHaveLength(3);
    expect(xml.match(/<\/CdtTrfTxInf>/g)).toHaveLength(3);
    expect(xml.match(/<PmtInf>/g)).toHaveLength(1);
    expect([...xml.matchAll(/<NbOfTxs>(\d+)<\/NbOfTxs>/g)].map((m) => m[1])).toEqual(['3', '3']);
    expect([...xml.matchAll(/<CtrlSum>([\d.]+)<\/CtrlSum>/g)].map((m) => m[1])).toEqual(['1235.56', '1235.56']);
    expect([...xml.matchAll(/<InstdAmt Ccy="CNY">([\d.]+)<\/InstdAmt>/g)].map((m) => m[1])).toEqual([
      '0.01',
      '0.99',
      '1234.56',
    ]);
    expect(xml).toContain('<Nm>Tom &amp; &quot;Jerry&quot; &lt;O&apos;Neil&gt;</Nm>');

    const doc = xmlTree(xml);
    expect(doc.name).toBe('Document');
    expect(doc.attributes).toEqual({ xmlns: PAIN_001_NAMESPACE });
    expect(PAIN_001_NAMESPACE).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    const initiation = at(doc, 'CstmrCdtTrfInitn');
    expect(initiation.children.map((c) => c.name)).toEqual(['GrpHdr', 'PmtInf']);

    const grpHdr = at(initiation, 'GrpHdr');
    expect(grpHdr.children.map((c) => c.name)).toEqual(['MsgId', 'CreDtTm', 'NbOfTxs', 'CtrlSum', 'InitgPty']);
    expect(textAt(grpHdr, 'MsgId')).toBe('PB-2022-11-0001');
    expect(textAt(grpHdr, 'CreDtTm')).toBe('2022-11-25T09:30:00+08:00');
    expect(textAt(grpHdr, 'InitgPty', 'Nm')).toBe('仪征市民政局');

    const pmtInf = at(initiation, 'PmtInf');
    expect(pmtInf.children.map((c) => c.name)).toEqual([
      'PmtInfId',
      'PmtMtd',
      'NbOfTxs',
      'CtrlSum',
      'ReqdExctnDt',
      'Dbtr',
      'DbtrAcct',
      'DbtrAgt',
      'CdtTrfTxInf',
      'CdtTrfTxInf',
      'CdtTrfTxInf',
    ]);
    expect(textAt(pmtInf, 'PmtInfId')).toBe('PB-2022-11-0001');
    expect(textAt(pmtInf, 'PmtMtd')).toBe('TRF');
    expect(textAt(pmtInf, 'ReqdExctnDt', 'Dt')).toBe('2022-11-28');
    expect(textAt(pmtInf, 'Dbtr', 'Nm')).toBe('仪征市民政局');
    expect(textAt(pmtInf, 'DbtrAcct', 'Id', 'Othr', 'Id')).toBe('3210000000000000001');
    expect(textAt(pmtInf, 'DbtrAgt', 'FinInstnId', 'Othr', 'Id')).toBe('ABOCCNBJ100');

    const txs = pmtInf.children.filter((c) => c.name === 'CdtTrfTxInf');
    expect(
      txs.map((tx) => ({
        endToEndId: textAt(tx, 'PmtId', 'EndToEndId'),
        ccy: at(tx, 'Amt', 'InstdAmt').attributes['Ccy'],
        amount: textAt(tx, 'Amt', 'InstdAmt'),
        name: textAt(tx, 'Cdtr', 'Nm'),
        account: textAt(tx, 'CdtrAcct', 'Id', 'Othr', 'Id'),
        bank: textAt(tx, 'CdtrAgt', 'FinInstnId', 'Nm'),
      })),
    ).toEqual(
      payments.map((p) => ({
        endToEndId: p.endToEndId,
        ccy: 'CNY',
        amount: formatFenAsYuan(p.amountFen),
        name: p.creditorName,
        account: p.bankAccount,
        bank: p.bankName,
      })),
    );
    // Schema order inside a transaction: PmtId, Amt, CdtrAgt, Cdtr, CdtrAcct.
    expect(txs[0]!.children.map((c) => c.name)).toEqual(['PmtId', 'Amt', 'CdtrAgt', 'Cdtr', 'CdtrAcct']);
  });

  it('takes optional names and a Date for CreDtTm, and leaves CdtrAgt out without a bank name', async () => {
    const one = [payment(1, 500, { bankName: '' })];
    const xml = await collect(
      writePain001(
        header(one, { createdAt: new Date('2022-11-25T01:30:00Z'), initiatingPartyName: 'Finance', paymentInfoId: 'PI-1' }),
        one,
      ),
    );
    const doc = xmlTree(xml);
    expect(textAt(doc, 'CstmrCdtTrfInitn', 'GrpHdr', 'CreDtTm')).toBe('2022-11-25T01:30:00.000Z');
    expect(textAt(doc, 'CstmrCdtTrfInitn', 'GrpHdr', 'InitgPty', 'Nm')).toBe('Finance');
    expect(textAt(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'PmtInfId')).toBe('PI-1');
    expect(xml).not.toContain('<CdtrAgt>');
  });

  it('reads back what it wrote, for any batch (and with any chunk size)', async () => {
    const name = fc
      .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
      .filter((s) => s.trim().length > 0 && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(name, fc.integer({ min: 1, max: 10 ** 10 })), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 300 }),
        async (raw, chunkChars) => {
          const batch = raw.map(([creditorName, fen], i) => payment(i, fen, { creditorName }));
          const chunks: string[] = [];
          for await (const chunk of writePain001(header(batch), stream(batch), { chunkChars })) chunks.push(chunk);
          const pmtInf = at(xmlTree(chunks.join('')), 'CstmrCdtTrfInitn', 'PmtInf');
          const txs = pmtInf.children.filter((c) => c.name === 'CdtTrfTxInf');
          expect(txs.map((tx) => textAt(tx, 'Cdtr', 'Nm'))).toEqual(batch.map((p) => p.creditorName));
          expect(txs.map((tx) => textAt(tx, 'Amt', 'InstdAmt'))).toEqual(batch.map((p) => formatFenAsYuan(p.amountFen)));
          expect(textAt(pmtInf, 'NbOfTxs')).toBe(String(batch.length));
          const sum = batch.reduce((s, p) => s + BigInt(p.amountFen), 0n);
          expect(BigInt(textAt(pmtInf, 'CtrlSum').replace('.', ''))).toBe(sum);
        },
      ),
      { numRuns: 50 },
    );
  });

  describe('never writes a file that disagrees with its header', () => {
    it('throws when fewer payments arrive than declared, before the closing tags', async () => {
      const { output, error } = await collectUntilError(
        writePain001(header(payments, { count: 4, totalFen: 123556 + 5 }), stream(payments)),
      );
      expect(error).toBeInstanceOf(BankFileError);
      expect(error).toEqual(bankFileError('TOTALS_MISMATCH'));
      expect(output).not.toContain('</Document>');
    });

    it('throws as soon as more payments arrive than declared', async () => {
      let pulled = 0;
      async function* source(): AsyncGenerator<Payment> {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield payment(i, 1);
        }
      }
      const { output, error } = await collectUntilError(writePain001({ ...header([]), count: 2, totalFen: 2 }, source()));
      expect(error).toEqual(bankFileError('TOTALS_MISMATCH'));
      expect(pulled).toBe(3);
      expect(output).not.toContain('</Document>');
    });

    it('throws when the count matches but the total does not', async () => {
      await expect(collect(writePain001(header(payments, { totalFen: 123557 }), stream(payments)))).rejects.toEqual(
        bankFileError('TOTALS_MISMATCH'),
      );
      await expect(collect(writePain001(header(payments, { totalFen: 123555 }), stream(payments)))).rejects.toEqual(
        bankFileError('TOTALS_MISMATCH'),
      );
    });
  });

  it('refuses invalid payments', async () => {
    const cases: Partial<Payment>[] = [
      { amountFen: 0 },
      { amountFen: -1 },
      { amountFen: 1.5 },
      { endToEndId: 'has space' },
      { endToEndId: 'X'.repeat(36) },
      { endToEndId: '' },
      { creditorName: '' },
      { creditorName: 'bell\u0007' },
      { creditorName: 'x'.repeat(141) },
      { bankAccount: '1'.repeat(35) },
    ];
    for (const bad of cases) {
      const p = payment(1, 100, bad);
      const h = header([payment(1, 100)]);
      await expect(collect(writePain001(h, [p])), JSON.stringify(bad)).rejects.toEqual(bankFileError('INVALID_PAYMENT'));
      await expect(collect(writePaymentsCsv([p])), JSON.stringify(bad)).rejects.toEqual(bankFileError('INVALID_PAYMENT'));
    }
  });

  it('refuses an invalid header', async () => {
    const p = [payment(1, 100)];
    const cases: Partial<Pain001Header>[] = [
      { count: 0, totalFen: 0 },
      { totalFen: -1 },
      { count: 1.5 },
      { messageId: 'M'.repeat(36) },
      { messageId: '' },
      { executionDate: '2022-02-30' },
      { executionDate: '28/11/2022' },
      { createdAt: '2022-11-25 09:30' },
      { createdAt: new Date(Number.NaN) },
      { debtorAccount: '' },
    ];
    for (const bad of cases) {
      await expect(collect(writePain001(header(p, bad), p)), JSON.stringify(bad)).rejects.toEqual(
        bankFileError('INVALID_HEADER'),
      );
    }
  });
});
