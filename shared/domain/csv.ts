// CSV as Excel and banks write it (RFC 4180), read with csv-parse for every CSV Tuodi accepts
// (the registry import, bank status reports). The leniency is pinned here, once:
// - CR (Excel for Mac), LF and CRLF line ends, even mixed;
// - a quoted field may hold line breaks (Alt+Enter in Excel): they are data, and each reader's
//   rules decide whether a field may hold one;
// - rows whose cells are all empty (`,,,,`) are skipped silently;
// - trailing header cells that are empty (a header ending in `,,`) are not columns.
// What is not lenient: broken quoting refuses the whole file, naming the line.
import { parse, CsvError } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted line break makes a record span lines). */
  line: number;
  cells: string[];
}

/** The file as a whole cannot be read; `message` says where and why. */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\n|\r/g)?.length ?? 0;
}

/** Every record that has at least one non-blank cell, header included. Throws CsvFormatError. */
export function readCsvRecords(text: string): CsvRecord[] {
  let parsed: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as typeof parsed;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const what =
        error.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted field is never closed'
          : error.code === 'INVALID_OPENING_QUOTE'
            ? 'a quote (") inside a field that does not start with one; put the whole field in quotes and double the quote ("")'
            : error.message;
      throw new CsvFormatError(line ? `line ${line}: ${what}` : what);
    }
    throw error;
  }
  const records: CsvRecord[] = [];
  for (const { record, info, raw } of parsed) {
    if (record.every((cell) => cell.trim() === '')) continue;
    const line = info.lines - lineBreaks(raw.replace(/(\r\n|\n|\r)$/, ''));
    records.push({ line, cells: record });
  }
  return records;
}

/** The header's cells, trimmed, without the empty cells that trail it. */
export function headerNames(header: CsvRecord | undefined): string[] {
  const names = (header?.cells ?? []).map((cell) => cell.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}
