import { loadDefaultPolicies, policyInForce } from '../../shared/domain/policy.ts';
import { describe, expect, it } from 'vitest';
import { parseRegistryCsv, validateRegistryRows, registryCsvColumns } from '../../shared/domain/registry.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const header = registryCsvColumns.join(',');

const policy = policyInForce(loadDefaultPolicies(), '2026-11-29');

describe('registry CSV', () => {

  it('requires the contract header and at least one line', () => {
    expect(parseRegistryCsv('idNumber,name\n1,2')).toMatchObject({ ok: false });
    expect(parseRegistryCsv(`${header}\n\n`)).toMatchObject({ ok: false, message: 'the file has no data lines' });
    expect(parseRegistryCsv(`\uFEFF${header}\r\nA,b,c`)).toMatchObject({
      ok: true,
      rows: [],
      rejected: [{ line: 2, message: 'has 3 fields; expected 9', details: [expect.objectContaining({ path: '', code: 'LINE_FIELD_COUNT', values: { found: 3, expected: 9 } })] }],
    });
  });

  it('numbers lines from the header and rejects later duplicates and future dates', () => {
    const row = (id: string, since = '2022-01-01') =>
      ['HH-1', '张三', id, 'DIBAO', '真州镇', '90000', since, '江苏银行', '6228480012345678'].join(',');
    const parsed = parseRegistryCsv([header, row(validIdNumber(1)), '', row(validIdNumber(1)), row(validIdNumber(2), '2099-01-01')].join('\n'));
    if (!parsed.ok) throw new Error('expected to parse');
    const result = validateRegistryRows(parsed.rows, '2026-11-29', policy);
    expect(result.valid.map((v) => v.line)).toEqual([2]);
    expect(result.valid[0]).toMatchObject({ monthlyBenefitFen: 90000, category: 'DIBAO' });
    expect(result.rejected).toEqual([
      { line: 4, message: 'idNumber: duplicates line 2', details: [expect.objectContaining({ path: 'idNumber', code: 'DUPLICATES_LINE', values: { line: 2 } })] },
      { line: 5, message: 'since: must not be in the future', details: [expect.objectContaining({ path: 'since', code: 'SINCE_OUT_OF_RANGE' })] },
    ]);
  });

  it('refuses fractional or signed fen and malformed accounts', () => {
    const row = ['HH-1', '张三', validIdNumber(3), 'MARGINAL', '真州镇', '900.5', '2022-01-01', '江苏银行', '62-28'].join(',');
    const parsed = parseRegistryCsv([header, row].join('\n'));
    if (!parsed.ok) throw new Error('expected to parse');
    const [rejection] = validateRegistryRows(parsed.rows, '2026-11-29', policy).rejected;
    expect(rejection?.message).toContain('monthlyBenefitFen: must be a whole, non-negative number of fen');
    expect(rejection?.message).toContain('bankAccount: must be 8-32 digits');
  });
});

describe('values that would poison a payout are refused at the import (issue 9, finding 3)', () => {
  const row = (overrides: Partial<Record<string, string>>) => {
    const fields = { householdId: 'HH-1', name: '张三', idNumber: validIdNumber(7), category: 'TEKUN', township: '真州镇', monthlyBenefitFen: '90000', since: '2022-01-01', bankName: '江苏银行', bankAccount: '6228480012345678', ...overrides };
    return [fields.householdId, fields.name, fields.idNumber, fields.category, fields.township, fields.monthlyBenefitFen, fields.since, fields.bankName, fields.bankAccount].join(',');
  };
  it.each([
    ['a bidi override in a name', { name: '张\u202E三' }, 'name: contains the control or format character U+202E'],
    ['a control character in a bank name', { bankName: '江苏\u0007银行' }, 'bankName: contains the control or format character U+0007'],
    ['a zero-width joiner in a township', { township: '真州\u200D镇' }, 'township: contains the control or format character U+200D'],
    ['a benefit of 999,999,999,999 fen', { monthlyBenefitFen: '999999999999' }, 'monthlyBenefitFen: 999999999999 fen exceeds the TEKUN monthly benefit ceiling of 500000 fen'],
    ['a since date in 1800', { since: '1800-01-01' }, 'since: must not be before 1990-01-01'],
    ['an ID number born in the future', { idNumber: validIdNumber(8, '20991231') }, 'idNumber: birth date part is in the future'],
  ])('%s', (_what, overrides, message) => {
    const parsed = parseRegistryCsv([header, row(overrides)].join('\n'));
    if (!parsed.ok) throw new Error('expected to parse');
    const result = validateRegistryRows(parsed.rows, '2026-11-29', policy);
    expect(result.valid).toEqual([]);
    expect(result.rejected[0]!.message).toContain(message);
  });
});
