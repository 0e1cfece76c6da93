// GBK bytes for test inputs, as Chinese Excel's "CSV (逗号分隔)" writes them. Node can decode GBK
// but not encode it: the table is built by decoding every two-byte GBK code once.
let table: Map<string, [number, number]> | undefined;

export function gbkBytes(text: string): Uint8Array {
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder('gbk', { fatal: true });
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        try {
          const ch = decoder.decode(new Uint8Array([lead, trail]));
          if (!table.has(ch)) table.set(ch, [lead, trail]);
        } catch {
          // not a GBK code
        }
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`${ch} has no GBK code`);
      out.push(...pair);
    }
  }
  return new Uint8Array(out);
}
