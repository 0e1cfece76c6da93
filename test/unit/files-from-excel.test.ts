// Files as people make them (issue 12): encodings, CSV as Excel writes it, Excel-mangled numbers,
// bank status reports. Every input is made here; no real personal data.
import { describe, expect, it } from 'vitest';
import { decodeText, TextDecodingError } from '../../shared/domain/text-decoding.ts';
import { parseRegistryCsv, registryCsvColumns, validateRegistryRows } from '../../shared/domain/registry.ts';
import { idNumberProblem } from '../../shared/domain/id-number.ts';
import { loadDefaultPolicies, policyInForce } from '../../shared/domain/policy.ts';
import { decodeRegistryFile } from '../../shared/usecases/registry-import.ts';
import { parseStatusReport, StatusReportError } from '../../shared/domain/payouts/status-report.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { gbkBytes } from '../support/gbk.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const header = registryCsvColumns.join(',');
const policy = policyInForce(loadDefaultPolicies(), '2026-11-29');
const chineseHeader = '户编号,姓名,身份证号,类别,乡镇,月保障金,起始日期,开户行,账号';
const row = (id: string, name = '王婧', rest = 'DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678') =>
  `HH-1,${name},${id},${rest}`;
const utf8 = (text: string) => new TextEncoder().encode(text);
const file = (bytes: Uint8Array, contentType = 'text/csv') => ({ bytes: Buffer.from(bytes), contentType });

function parsedRows(text: string) {
  const parsed = parseRegistryCsv(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed;
}

describe('decoding: BOM, then declared charset, then strict UTF-8, then plausible GB18030', () => {
  it('lets a byte-order mark decide', () => {
    expect(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8('姓名')]))).toMatchObject({ text: '姓名', encoding: 'UTF-8' });
    const le = Buffer.from('姓名', 'utf16le');
    expect(decodeText(Uint8Array.from([0xff, 0xfe, ...le]))).toMatchObject({ text: '姓名', encoding: 'UTF-16LE' });
    const be = Buffer.from(le).swap16();
    expect(decodeText(Uint8Array.from([0xfe, 0xff, ...be]))).toMatchObject({ text: '姓名', encoding: 'UTF-16BE' });
  });

  it('uses a declared charset (header, or XML declaration) and refuses bytes that do not fit it', () => {
    expect(decodeText(gbkBytes('王婧'), { declaredCharset: 'gbk' })).toMatchObject({ text: '王婧', encoding: 'GB18030' });
    const xml = gbkBytes('<?xml version="1.0" encoding="GBK"?><a>账户</a>');
    expect(decodeText(xml, { xmlDeclaration: true }).text).toContain('账户');
    expect(() => decodeText(utf8('王婧'), { declaredCharset: 'shift_jis' })).toThrow(/not one we read/);
  });

  it('accepts GB18030 only when the caller finds it plausible, and says how to save the file otherwise', () => {
    const bytes = gbkBytes('王婧');
    expect(decodeText(bytes, { plausibleGb18030: () => true }).encoding).toBe('GB18030');
    expect(() => decodeText(bytes, { plausibleGb18030: () => false })).toThrow(/CSV UTF-8/);
    expect(() => decodeText(bytes)).toThrow(TextDecodingError);
  });

  it('refuses text where bytes were already replaced (a text/csv body that was not UTF-8)', () => {
    expect(() => decodeText(utf8('姓名,\uFFFD\uFFFD'))).toThrow(/application\/octet-stream/);
  });
});

describe('a registry CSV from Chinese Excel', () => {
  it('reads a GBK file with the Chinese header, records GB18030, and keeps the names', () => {
    const csv = [chineseHeader, `HH-1,王婧,${validIdNumber(1)},低保,真州镇,900.50,2022-03-01,江苏银行,6228480012345678`].join('\r\n');
    const { text, encoding } = decodeRegistryFile(file(gbkBytes(csv)));
    expect(encoding).toBe('GB18030');
    const { valid, rejected } = validateRegistryRows(parsedRows(text).rows, '2026-11-29', policy);
    expect(rejected).toEqual([]);
    expect(valid[0]).toMatchObject({ name: '王婧', category: 'DIBAO', monthlyBenefitFen: 90050, township: '真州镇' });
  });

  it('takes Content-Type charset=GBK at its word', () => {
    const csv = [header, row(validIdNumber(2), '李四')].join('\n');
    expect(decodeRegistryFile(file(gbkBytes(csv), 'text/csv; charset=GBK'))).toMatchObject({ encoding: 'GB18030' });
  });

  it('refuses a file that reads as neither, saying how to save it', () => {
    const latin1 = Uint8Array.from([...utf8(`${header}\nHH-1,`), 0xe9, 0xe8, 0xff, 0xfe, ...utf8(',x\n')]);
    expect(() => decodeRegistryFile(file(latin1))).toThrow(AppError);
    expect(() => decodeRegistryFile(file(latin1))).toThrow(/CSV UTF-8/);
  });

  it('reads CR-only line ends (Excel for Mac)', () => {
    const parsed = parsedRows([header, row(validIdNumber(3)), row(validIdNumber(4), '张三')].join('\r'));
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(parsed.rejected).toEqual([]);
  });

  it('reads a quoted line break (Alt+Enter) as data: one rejection on the right line, no phantom line', () => {
    const text = [header, row(validIdNumber(5), '"王\n婧"'), row(validIdNumber(6), '张三')].join('\r\n');
    const parsed = parsedRows(text);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 4]);
    const { rejected, valid } = validateRegistryRows(parsed.rows, '2026-11-29', policy);
    expect(rejected).toEqual([{ line: 2, message: expect.stringMatching(/^name: must be on one line/), details: [expect.objectContaining({ path: 'name', code: 'INVALID_FORMAT' })] }]);
    expect(valid.map((v) => v.line)).toEqual([4]);
  });

  it('ignores trailing empty columns and skips rows of only commas', () => {
    const text = [`${header},,`, `${row(validIdNumber(7))},,`, ',,,,,,,,,,', ',,,,,,,,', `${row(validIdNumber(8), '张三')},,`].join('\n');
    const parsed = parsedRows(text);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 5]);
  });

  it('refuses a file with a column that holds data and is not in the contract, naming it', () => {
    const text = [`${header},备注`, `${row(validIdNumber(9))},五保户`].join('\n');
    expect(parseRegistryCsv(text)).toEqual({ ok: false, message: expect.stringContaining('"备注"') });
    const unnamed = [`${header},`, `${row(validIdNumber(9))},x`].join('\n');
    expect(parseRegistryCsv(unnamed)).toEqual({ ok: false, message: expect.stringContaining('10 (no header)') });
    // An empty extra column is not data: ignored.
    expect(parseRegistryCsv([`${header},备注`, `${row(validIdNumber(9))},`].join('\n'))).toMatchObject({ ok: true });
  });

  it('names the columns a header lacks', () => {
    expect(parseRegistryCsv('户编号,姓名\nHH-1,王婧')).toEqual({ ok: false, message: expect.stringContaining('missing: idNumber') });
  });
});

describe('ID numbers Excel has mangled get a message a township office can act on', () => {
  it('E notation', () => {
    expect(idNumberProblem('3.21081E+17')).toMatch(/^Excel turned this ID number into a number .*format the column as Text/);
  });
  it('last digits turned to 000', () => {
    const real = validIdNumber(11);
    const mangled = `${real.slice(0, 15)}000`;
    if (mangled === real) return;
    expect(idNumberProblem(mangled)).toMatch(/^check digit does not match; it ends in 000, which is what Excel makes/);
  });
});

describe('every registry column Excel can turn into a number says so, with what to do', () => {
  it('ID numbers in E notation or ending in .0, accounts and amounts in E notation', () => {
    const rows = [
      row('3.21081E+17'),
      row(`${validIdNumber(12)}.0`.replace(/X\.0$/, '0.0')),
      row(validIdNumber(13), '王婧', 'DIBAO,真州镇,90000,2022-03-01,江苏银行,6.22848E+15'),
      row(validIdNumber(14), '王婧', 'DIBAO,真州镇,9E+4,2022-03-01,江苏银行,6228480012345678'),
    ];
    const { rejected } = validateRegistryRows(parsedRows([header, ...rows].join('\n')).rows, '2026-11-29', policy);
    expect(rejected.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(rejected.map((r) => r.message.split(':')[0])).toEqual(['idNumber', 'idNumber', 'bankAccount', 'monthlyBenefitFen']);
    for (const { message } of rejected) expect(message).toMatch(/Excel turned this .*format the column as Text \(设置单元格格式 › 文本\)/);
  });
});

describe('bank status reports as banks send them', () => {
  it('reads a GBK status CSV, and a pain.002 that declares encoding="GBK"', () => {
    const csv = parseStatusReport(gbkBytes('endToEndId,status,reason\nA,RJCT,AC04 账户已销户\n'));
    expect(csv).toMatchObject({ encoding: 'GB18030', entries: [{ endToEndId: 'A', reasonCode: 'AC04', reason: '账户已销户' }] });
    const xml = gbkBytes(
      '<?xml version="1.0" encoding="GBK"?><Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts>' +
        '<OrgnlEndToEndId>B</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><AddtlInf>户名不符</AddtlInf></StsRsnInf>' +
        '</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>',
    );
    expect(parseStatusReport(xml, { contentType: 'application/xml' }).entries).toEqual([
      { endToEndId: 'B', status: 'RETURNED', reason: '户名不符' },
    ]);
  });

  it('refuses a report it cannot read instead of storing garbled reasons', () => {
    const bad = Uint8Array.from([...utf8('endToEndId,status,reason\nA,RJCT,'), 0xff, 0xff, 0x0a]);
    expect(() => parseStatusReport(bad)).toThrow(StatusReportError);
  });

  it("applies the payer's final statuses: ACSP is final where the payer says so", () => {
    const xml = '<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>C</OrgnlEndToEndId><TxSts>ACSP</TxSts></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>';
    expect(parseStatusReport(xml).entries).toEqual([]);
    expect(parseStatusReport(xml, { finalStatuses: { ACSP: 'SETTLED', RJCT: 'RETURNED' } }).entries).toEqual([
      { endToEndId: 'C', status: 'SETTLED' },
    ]);
  });

  it('reports a group-level RJCT with no transactions as the bank refusing the whole file', () => {
    const report = parseStatusReport(
      '<Document><CstmrPmtStsRpt><OrgnlGrpInfAndSts><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>',
    );
    expect(report.wholeFileRejected).toBe(true);
    expect(report.problems[0]!.message).toMatch(/^the bank refused the whole file/);
  });
});
