import { describe, expect, it } from 'vitest';
import { parseRegistryCsv, splitCsvLine, validateRegistryRows, registryCsvColumns } from '../../shared/domain/registry.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const header = registryCsvColumns.join(',');

describe('registry CSV', () => {
  it('splits quoted cells with commas and doubled quotes', () => {
    expect(splitCsvLine('a,"b,c","say ""hi""",')).toEqual(['a', 'b,c', 'say "hi"', '']);
    expect(splitCsvLine('a,"unterminated')).toBeNull();
    expect(splitCsvLine('a,"x"y')).toBeNull();
  });

  it('requires the contract header and at least one line', () => {
    expect(parseRegistryCsv('idNumber,name\n1,2')).toMatchObject({ ok: false });
    expect(parseRegistryCsv(`${header}\n\n`)).toMatchObject({ ok: false, message: 'the file has no data lines' });
    expect(parseRegistryCsv(`\uFEFF${header}\r\nA,b,c`)).toMatchObject({
      ok: true,
      rows: [],
      rejected: [{ line: 2, message: 'has 3 fields; expected 9' }],
    });
  });

  it('numbers lines from the header and rejects later duplicates and future dates', () => {
    const row = (id: string, since = '2022-01-01') =>
      ['HH-1', '张三', id, 'DIBAO', '真州镇', '90000', since, '江苏银行', '6228480012345678'].join(',');
    const parsed = parseRegistryCsv([header, row(validIdNumber(1)), '', row(validIdNumber(1)), row(validIdNumber(2), '2099-01-01')].join('\n'));
    if (!parsed.ok) throw new Error('expected to parse');
    const result = validateRegistryRows(parsed.rows, '2026-11-29');
    expect(result.valid.map((v) => v.line)).toEqual([2]);
    expect(result.valid[0]).toMatchObject({ monthlyBenefitFen: 90000, category: 'DIBAO' });
    expect(result.rejected).toEqual([
      { line: 4, message: 'idNumber: duplicates line 2' },
      { line: 5, message: 'since: must not be in the future' },
    ]);
  });

  it('refuses fractional or signed fen and malformed accounts', () => {
    const row = ['HH-1', '张三', validIdNumber(3), 'MARGINAL', '真州镇', '900.5', '2022-01-01', '江苏银行', '62-28'].join(',');
    const parsed = parseRegistryCsv([header, row].join('\n'));
    if (!parsed.ok) throw new Error('expected to parse');
    const [rejection] = validateRegistryRows(parsed.rows, '2026-11-29').rejected;
    expect(rejection?.message).toContain('monthlyBenefitFen: must be a whole, non-negative number of fen');
    expect(rejection?.message).toContain('bankAccount: must be 8-32 digits');
  });
});
