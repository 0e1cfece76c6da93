// The console sends a bank status report with the content type its bytes call for, whatever
// type the browser guessed from the file name.
import { describe, expect, it } from 'vitest';
import { bankReportContentType } from '../../console/src/pages/finance/bank-report.ts';
import { gbkBytes } from '../support/gbk.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('bankReportContentType', () => {
  it('sends a pain.002 as XML, with or without a BOM or leading blank lines', () => {
    expect(bankReportContentType(utf8('<?xml version="1.0"?><Document/>'))).toBe('application/xml');
    expect(bankReportContentType(utf8('\uFEFF\r\n  <Document/>'))).toBe('application/xml');
  });

  it('sends a UTF-8 CSV as text/csv, Chinese reasons included', () => {
    expect(bankReportContentType(utf8('endToEndId,status,reason\nPS1,RJCT,AC04 账户已销户\n'))).toBe('text/csv');
    expect(bankReportContentType(utf8('\uFEFFendToEndId,status,reason\n'))).toBe('text/csv');
  });

  it('sends bytes that are not UTF-8 (a GBK CSV, UTF-16) as octet-stream, so they arrive intact', () => {
    expect(bankReportContentType(gbkBytes('endToEndId,status,reason\nPS1,RJCT,账户已销户\n'))).toBe('application/octet-stream');
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(Buffer.from('endToEndId,status\n', 'utf16le'))]);
    expect(bankReportContentType(utf16)).toBe('application/octet-stream');
  });
});
