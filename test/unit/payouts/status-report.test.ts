import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  StatusReportError,
  detectStatusReportFormat,
  parsePain002,
  parseStatusCsv,
  parseStatusReport,
  type StatusEntry,
} from '../../../shared/domain/payouts/status-report.ts';
import { writePain001, type Payment } from '../../../shared/domain/payouts/bank-files.ts';
import { collect } from './helpers.ts';

function reportError(code: string) {
  return expect.objectContaining({ name: 'StatusReportError', code });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

// A pain.002.001.10 as a bank might send it: prefixed elements, a comment, group and block level
// reasons that belong to no transaction, and OrgnlTxRef with nested names that must not be read.
const PAIN_002 = `<?xml version="1.0" encoding="UTF-8"?>
<!-- status report for PB-2022-11-0001 -->
<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <ns2:CstmrPmtStsRpt>
    <ns2:GrpHdr><ns2:MsgId>RPT-1</ns2:MsgId><ns2:CreDtTm>2022-11-29T10:00:00+08:00</ns2:CreDtTm></ns2:GrpHdr>
    <ns2:OrgnlGrpInfAndSts>
      <ns2:OrgnlMsgId>PB-2022-11-0001</ns2:OrgnlMsgId>
      <ns2:OrgnlMsgNmId>pain.001.001.09</ns2:OrgnlMsgNmId>
      <ns2:GrpSts>PART</ns2:GrpSts>
      <ns2:StsRsnInf><ns2:Rsn><ns2:Cd>NARR</ns2:Cd></ns2:Rsn><ns2:AddtlInf>group level</ns2:AddtlInf></ns2:StsRsnInf>
    </ns2:OrgnlGrpInfAndSts>
    <ns2:OrgnlPmtInfAndSts>
      <ns2:OrgnlPmtInfId>PB-2022-11-0001</ns2:OrgnlPmtInfId>
      <ns2:StsRsnInf><ns2:Rsn><ns2:Cd>FF01</ns2:Cd></ns2:Rsn></ns2:StsRsnInf>
      <ns2:TxInfAndSts>
        <ns2:OrgnlEndToEndId>MB202211-AAAA</ns2:OrgnlEndToEndId>
        <ns2:TxSts>ACSC</ns2:TxSts>
        <ns2:OrgnlTxRef><ns2:Amt><ns2:InstdAmt Ccy="CNY">900.00</ns2:InstdAmt></ns2:Amt><ns2:Cdtr><ns2:Nm>张三</ns2:Nm></ns2:Cdtr></ns2:OrgnlTxRef>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:OrgnlEndToEndId>MB202211-BBBB</ns2:OrgnlEndToEndId>
        <ns2:TxSts>RJCT</ns2:TxSts>
        <ns2:StsRsnInf>
          <ns2:Rsn><ns2:Cd>AC04</ns2:Cd></ns2:Rsn>
          <ns2:AddtlInf>Account closed &amp; cancelled</ns2:AddtlInf>
          <ns2:AddtlInf>&#36134;&#x6237;已销户</ns2:AddtlInf>
        </ns2:StsRsnInf>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:OrgnlEndToEndId> MB202211-CCCC </ns2:OrgnlEndToEndId>
        <ns2:TxSts>ACCC</ns2:TxSts>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:OrgnlEndToEndId>MB202211-DDDD</ns2:OrgnlEndToEndId>
        <ns2:TxSts>ACSP</ns2:TxSts>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:TxSts>ACSC</ns2:TxSts>
      </ns2:TxInfAndSts>
      <ns2:TxInfAndSts>
        <ns2:OrgnlEndToEndId>MB202211-EEEE</ns2:OrgnlEndToEndId>
        <ns2:TxSts>RJCT</ns2:TxSts>
        <ns2:StsRsnInf><ns2:Rsn><ns2:Prtry>BANK-17</ns2:Prtry></ns2:Rsn></ns2:StsRsnInf>
      </ns2:TxInfAndSts>
    </ns2:OrgnlPmtInfAndSts>
  </ns2:CstmrPmtStsRpt>
</ns2:Document>
`;

describe('pain.002', () => {
  it('reads final statuses, reasons and problems', () => {
    const report = parseStatusReport(PAIN_002);
    expect(report.format).toBe('pain.002');
    expect(report.entries).toEqual<StatusEntry[]>([
      { endToEndId: 'MB202211-AAAA', status: 'SETTLED' },
      {
        endToEndId: 'MB202211-BBBB',
        status: 'RETURNED',
        reasonCode: 'AC04',
        reason: 'Account closed & cancelled 账户已销户',
      },
      { endToEndId: 'MB202211-CCCC', status: 'SETTLED' },
      { endToEndId: 'MB202211-EEEE', status: 'RETURNED', reasonCode: 'BANK-17' },
    ]);
    expect(report.problems).toEqual([
      { where: 'line 33, TxInfAndSts #4', message: expect.stringMatching(/^MB202211-DDDD: status ACSP is not final/) },
      { where: 'line 37, TxInfAndSts #5', message: expect.stringContaining('no OrgnlEndToEndId') },
    ]);
  });

  it('reads an unprefixed document with a default namespace, CDATA and self-closing elements', () => {
    const xml =
      '\uFEFF<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt><GrpHdr/>' +
      '<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId><![CDATA[OTL202301-X]]></OrgnlEndToEndId><TxSts>RJCT</TxSts>' +
      "<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn><AddtlInf>a &lt;b&gt; &quot;c&quot; &apos;d&apos;</AddtlInf></StsRsnInf>" +
      '</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>';
    expect(parseStatusReport(xml)).toEqual({
      format: 'pain.002',
      entries: [{ endToEndId: 'OTL202301-X', status: 'RETURNED', reasonCode: 'AM04', reason: `a <b> "c" 'd'` }],
      problems: [],
    });
  });

  it('keeps a repeated id once, and drops an id reported with two different outcomes', () => {
    const tx = (id: string, sts: string) =>
      `<TxInfAndSts><OrgnlEndToEndId>${id}</OrgnlEndToEndId><TxSts>${sts}</TxSts></TxInfAndSts>`;
    const xml = `<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts>${tx('A', 'ACSC')}${tx('A', 'ACCC')}${tx('B', 'ACSC')}${tx('B', 'RJCT')}${tx('B', 'ACSC')}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    const report = parsePain002(xml);
    expect(report.entries).toEqual([{ endToEndId: 'A', status: 'SETTLED' }]);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.message).toMatch(/^B: reported as RETURNED here but as SETTLED/);
  });

  it('reports a whole-message or whole-block rejection without transactions as a problem', () => {
    const group = parsePain002(
      '<Document><CstmrPmtStsRpt><OrgnlGrpInfAndSts><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>',
    );
    expect(group.entries).toEqual([]);
    expect(group.problems).toEqual([{ where: 'OrgnlGrpInfAndSts', message: expect.stringContaining('group status RJCT') }]);

    const block = parsePain002(
      '<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><PmtInfSts>RJCT</PmtInfSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>',
    );
    expect(block.entries).toEqual([]);
    expect(block.problems).toEqual([
      { where: 'line 1, OrgnlPmtInfAndSts #1', message: expect.stringContaining('PmtInfSts RJCT') },
    ]);
  });

  it('refuses XML that is not a status report, such as our own pain.001', async () => {
    const payment: Payment = {
      endToEndId: 'MB202211-A',
      recipientId: 'r',
      creditorName: 'n',
      bankName: 'b',
      bankAccount: '1',
      amountFen: 1,
    };
    const pain001 = await collect(
      writePain001(
        {
          messageId: 'M',
          createdAt: new Date(0),
          count: 1,
          totalFen: 1,
          executionDate: '2022-11-28',
          debtorName: 'd',
          debtorAccount: 'a',
          debtorAgentId: 'g',
        },
        [payment],
      ),
    );
    expect(thrown(() => parseStatusReport(pain001))).toEqual(reportError('NOT_A_STATUS_REPORT'));
  });

  it('refuses malformed XML, DOCTYPEs and unknown entities', () => {
    const cases = [
      PAIN_002.slice(0, PAIN_002.length / 2),
      PAIN_002.replace('</ns2:TxSts>', '</ns2:TxStatus>'),
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document><CstmrPmtStsRpt>&e;</CstmrPmtStsRpt></Document>',
      '<Document><CstmrPmtStsRpt>&nbsp;</CstmrPmtStsRpt></Document>',
      '<Document><CstmrPmtStsRpt>a & b</CstmrPmtStsRpt></Document>',
      '<Document/><Document/>',
      '<Document><CstmrPmtStsRpt></Document>',
      '<Document a="1" a="2"/>',
      '<',
    ];
    for (const xml of cases) {
      expect(thrown(() => parseStatusReport(xml)), xml.slice(0, 60)).toEqual(reportError('MALFORMED_XML'));
    }
  });

  it('reads back what a generated report says, whatever the reason texts', () => {
    const id = fc.stringMatching(/^[A-Z0-9-]{1,35}$/);
    const text = fc
      .string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
      .filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));
    const entry = fc.oneof(
      fc.record({ endToEndId: id, status: fc.constant('SETTLED' as const) }),
      fc.record({ endToEndId: id, status: fc.constant('RETURNED' as const), reasonCode: fc.constantFrom('AC04', 'AM04'), reason: text }),
    );
    const escape = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.endToEndId, maxLength: 10 }), (entries) => {
        const txs = entries
          .map(
            (e) =>
              `<p:TxInfAndSts><p:OrgnlEndToEndId>${e.endToEndId}</p:OrgnlEndToEndId>` +
              (e.status === 'SETTLED'
                ? '<p:TxSts>ACSC</p:TxSts>'
                : `<p:TxSts>RJCT</p:TxSts><p:StsRsnInf><p:Rsn><p:Cd>${e.reasonCode}</p:Cd></p:Rsn><p:AddtlInf>${escape(e.reason)}</p:AddtlInf></p:StsRsnInf>`) +
              '</p:TxInfAndSts>\n',
          )
          .join('');
        const xml = `<p:Document xmlns:p="urn:x"><p:CstmrPmtStsRpt><p:OrgnlPmtInfAndSts>\n${txs}</p:OrgnlPmtInfAndSts></p:CstmrPmtStsRpt></p:Document>`;
        const report = parseStatusReport(xml);
        expect(report.entries).toEqual(entries);
        expect(report.problems).toEqual(entries.length === 0 ? [expect.objectContaining({ where: 'OrgnlGrpInfAndSts' })] : []);
      }),
    );
  });
});

describe('CSV status reports', () => {
  it('reads statuses in either vocabulary, reasons with or without a code, quoting and CRLF', () => {
    const csv =
      '\uFEFFendToEndId,status,reason\r\n' +
      'MB202211-AAAA,ACSC,\r\n' +
      'MB202211-BBBB,RJCT,"AC04: account closed, by the holder"\r\n' +
      '\r\n' +
      'MB202211-CCCC,settled,ignored for settled payments\r\n' +
      'MB202211-DDDD,Returned,AM04\r\n' +
      'MB202211-EEEE,RETURNED,"收款人姓名与账户不符"\r\n' +
      'MB202211-FFFF,PENDING,\r\n' +
      ',ACSC,\r\n' +
      '"MB202211-GGGG",RJCT,"line one\nline two"\r\n' +
      'MB202211-HHHH,ACCC';
    const report = parseStatusReport(csv);
    expect(report.format).toBe('csv');
    expect(report.entries).toEqual<StatusEntry[]>([
      { endToEndId: 'MB202211-AAAA', status: 'SETTLED' },
      { endToEndId: 'MB202211-BBBB', status: 'RETURNED', reasonCode: 'AC04', reason: 'account closed, by the holder' },
      { endToEndId: 'MB202211-CCCC', status: 'SETTLED' },
      { endToEndId: 'MB202211-DDDD', status: 'RETURNED', reasonCode: 'AM04' },
      { endToEndId: 'MB202211-EEEE', status: 'RETURNED', reason: '收款人姓名与账户不符' },
      { endToEndId: 'MB202211-GGGG', status: 'RETURNED', reason: 'line one\nline two' },
      { endToEndId: 'MB202211-HHHH', status: 'SETTLED' },
    ]);
    expect(report.problems).toEqual([
      { where: 'line 8', message: expect.stringMatching(/^MB202211-FFFF: status "PENDING" is not one of/) },
      { where: 'line 9', message: 'no endToEndId' },
    ]);
  });

  it('finds columns by name, in any order and case, and ignores extra ones', () => {
    const csv = 'Status,Amount,EndToEndId\nRJCT,1.00,X-1\nACSC,2.00,X-2\n';
    expect(parseStatusCsv(csv).entries).toEqual([
      { endToEndId: 'X-1', status: 'RETURNED' },
      { endToEndId: 'X-2', status: 'SETTLED' },
    ]);
  });

  it('drops an id reported with two different outcomes', () => {
    const report = parseStatusCsv('endToEndId,status,reason\nA,ACSC,\nA,RJCT,AC04\nB,RJCT,\nB,RETURNED,\n');
    expect(report.entries).toEqual([{ endToEndId: 'B', status: 'RETURNED' }]);
    expect(report.problems).toEqual([{ where: 'line 3', message: expect.stringContaining('A: reported as RETURNED here') }]);
  });

  it('refuses broken quoting', () => {
    expect(thrown(() => parseStatusReport('endToEndId,status,reason\nA,RJCT,"never closed\n'))).toEqual(
      reportError('MALFORMED_CSV'),
    );
    expect(thrown(() => parseStatusReport('endToEndId,status,reason\nA,RJCT,"closed"junk\n'))).toEqual(
      reportError('MALFORMED_CSV'),
    );
  });
});

describe('format detection and garbage', () => {
  it('refuses what is neither XML nor CSV with a typed error', () => {
    const garbage: Array<string | Uint8Array> = [
      '',
      '   \n\t',
      'hello world',
      '{"endToEndId":"A","status":"ACSC"}',
      'id,state\nA,ACSC\n',
      'A,ACSC,\nB,RJCT,AC04\n',
    ];
    for (const content of garbage) {
      const error = thrown(() => parseStatusReport(content));
      expect(error).toBeInstanceOf(StatusReportError);
      expect(error).toEqual(reportError('UNRECOGNIZED_FORMAT'));
      expect((error as Error).message).toContain('neither pain.002 XML nor CSV');
    }
  });

  it('lets the content decide; a declared Content-Type only appears in the error', () => {
    expect(detectStatusReportFormat(PAIN_002, 'text/csv')).toBe('pain.002');
    expect(detectStatusReportFormat('endToEndId,status,reason\n', 'application/xml')).toBe('csv');
    expect(parseStatusReport(PAIN_002, { contentType: 'text/plain' }).entries).toHaveLength(4);
    expect(() => parseStatusReport('%PDF-1.7', { contentType: 'application/pdf' })).toThrow(
      /declared Content-Type: application\/pdf/,
    );
  });

  it('accepts bytes, reads GBK ones, and refuses bytes that are no text', () => {
    const utf8 = new TextEncoder().encode('endToEndId,status,reason\nA,RJCT,账户已销户\n');
    expect(parseStatusReport(utf8)).toEqual({
      format: 'csv',
      encoding: 'UTF-8',
      entries: [{ endToEndId: 'A', status: 'RETURNED', reason: '账户已销户' }],
      problems: [],
    });
    // 账户 in GBK: not valid UTF-8, read as GB18030 because the rest is a status report.
    const gbk = new Uint8Array([...new TextEncoder().encode('endToEndId,status,reason\nA,RJCT,'), 0xd5, 0xcb, 0xbb, 0xa7, 0x0a]);
    const report = parseStatusReport(gbk);
    expect(report).toMatchObject({ encoding: 'GB18030', entries: [{ endToEndId: 'A', reason: '账户' }], problems: [] });
    expect(thrown(() => parseStatusReport(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])))).toEqual(
      reportError('UNREADABLE_ENCODING'),
    );
  });

  it('never fails on arbitrary input with anything but a StatusReportError', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary' }).map((s) => `<Document><CstmrPmtStsRpt>${s}`),
      fc.string({ unit: 'binary' }).map((s) => `endToEndId,status,reason\n${s}`),
      fc.uint8Array(),
    );
    fc.assert(
      fc.property(input, (content) => {
        try {
          const report = parseStatusReport(content);
          for (const e of report.entries) expect(['SETTLED', 'RETURNED']).toContain(e.status);
        } catch (error) {
          expect(error).toBeInstanceOf(StatusReportError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
