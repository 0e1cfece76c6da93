// How the console sends a bank status report, decided by its content and never by the type the
// browser guesses from the file name (often '' or application/vnd.ms-excel for a .csv):
// - bytes that are valid UTF-8: `application/xml` when the text starts with '<' (pain.002), else
//   `text/csv` — API Gateway hands both to the function as the same UTF-8 text;
// - any other bytes (a GBK CSV from Chinese Excel, UTF-16, an XML declaring GBK): `application/
//   octet-stream`, which API Gateway base64-encodes, so the bytes arrive intact and the API decodes
//   them (README, "How the bytes get here"); a text/* body would reach it with U+FFFD in place of
//   every Chinese character.
export type BankReportContentType = 'application/xml' | 'text/csv' | 'application/octet-stream';

export function bankReportContentType(bytes: Uint8Array): BankReportContentType {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return 'application/octet-stream';
  }
  return text.trimStart().startsWith('<') ? 'application/xml' : 'text/csv';
}
