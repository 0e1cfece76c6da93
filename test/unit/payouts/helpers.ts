// Test helpers for the payouts suites (not a test file itself).
import { scanXml } from '../../../shared/domain/payouts/xml.ts';

export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

/** Collects chunks until the generator throws; returns what was yielded and the error. */
export async function collectUntilError(chunks: AsyncIterable<string>): Promise<{ output: string; error: unknown }> {
  let output = '';
  try {
    for await (const chunk of chunks) output += chunk;
  } catch (error) {
    return { output, error };
  }
  return { output, error: undefined };
}

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** A tiny DOM built from the scanner, for reading our own pain.001 back. */
export function xmlTree(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  scanXml(xml, {
    open(name, attributes) {
      const node: XmlNode = { name, attributes, children: [], text: '' };
      stack[stack.length - 1]!.children.push(node);
      stack.push(node);
    },
    text(text) {
      stack[stack.length - 1]!.text += text;
    },
    close() {
      stack.pop();
    },
  });
  return root.children[0]!;
}

/** The first descendant reached by following child names, e.g. `at(doc, 'CstmrCdtTrfInitn', 'GrpHdr')`. */
export function at(node: XmlNode, ...names: string[]): XmlNode {
  let current = node;
  for (const name of names) {
    const next = current.children.find((c) => c.name === name);
    if (!next) throw new Error(`no <${name}> under <${current.name}>`);
    current = next;
  }
  return current;
}

export function textAt(node: XmlNode, ...names: string[]): string {
  return at(node, ...names).text;
}

/** A deliberately simple RFC 4180 reader, independent of the one in status-report.ts. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell !== '' || row.length > 0) throw new Error('last row is not terminated by CRLF');
  return rows;
}
