// The one way an uploaded file's bytes become text (registry CSVs, bank status reports).
// Order, strongest evidence first: a byte-order mark; else a declared charset (Content-Type, then
// an XML declaration); else strict UTF-8; else GB18030 (what Chinese Excel's "CSV (逗号分隔)"
// writes), accepted only when the caller finds the result plausible. Nothing is ever decoded with
// silent replacement characters: a file we cannot read is refused with what to do about it.

/** The names an import records as the encoding it used. */
export type TextEncodingName = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'GB18030';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  /** What decided the encoding. */
  decidedBy: 'byte-order mark' | 'declared charset' | 'valid UTF-8' | 'GB18030 fallback';
}

export const saveAsUtf8Advice =
  'save the file again as UTF-8: in Excel, File › Save As (另存为) › "CSV UTF-8 (逗号分隔)(*.csv)"';

/** A file that cannot be read as text; `message` tells the sender what to do. */
export class TextDecodingError extends Error {
  override readonly name = 'TextDecodingError';
}

export interface DecodeOptions {
  /** The Content-Type header's `charset` parameter, if any. */
  declaredCharset?: string;
  /** Look for `<?xml … encoding="…"?>` when there is no BOM and no header charset. */
  xmlDeclaration?: boolean;
  /**
   * Whether GB18030 text is what this kind of file looks like (its header matches, names are
   * CJK…). Without it, a file that is not UTF-8 and declares nothing is refused.
   */
  plausibleGb18030?: (text: string) => boolean;
}

const charsetLabels: Record<string, TextEncodingName> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'utf-16': 'UTF-16LE',
  gb18030: 'GB18030',
  gbk: 'GB18030', // GB18030 is a superset of GBK and GB2312: decoding with it loses nothing
  gb2312: 'GB18030',
  cp936: 'GB18030',
  'x-gbk': 'GB18030',
};

const decoderLabel: Record<TextEncodingName, string> = {
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  GB18030: 'gb18030',
};

/** The `charset` parameter of a Content-Type header, lower-cased, if present. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function xmlDeclaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
}

function strictDecode(bytes: Uint8Array, encoding: TextEncodingName): string | undefined {
  try {
    return new TextDecoder(decoderLabel[encoding], { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** U+FFFD (a replacement already made upstream) or a private-use code point (a GB18030 misreading). */
export function firstUnreadableCharacter(text: string): string | undefined {
  return /[\uFFFD\uE000-\uF8FF]/u.exec(text)?.[0];
}

/** Why a file holding U+FFFD is refused: its bytes were replaced before they reached us, whatever it declares. */
export const replacedBytesMessage = (encoding: TextEncodingName) =>
  `the file contains U+FFFD replacement characters read as ${encoding}: some bytes were not ${encoding} ` +
  `and were replaced before they reached us. Send it with Content-Type application/octet-stream, or ${saveAsUtf8Advice}`;

function refuseReplaced(text: string, encoding: TextEncodingName): void {
  if (text.includes('\uFFFD')) throw new TextDecodingError(replacedBytesMessage(encoding));
}

/** Decodes a file's bytes as described at the top of this module. Throws TextDecodingError. */
export function decodeText(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const bom = bomOf(bytes);
  if (bom) {
    const text = strictDecode(bytes.subarray(bom.length), bom.encoding);
    if (text === undefined) {
      throw new TextDecodingError(`the file starts with a ${bom.encoding} byte-order mark but is not valid ${bom.encoding}; ${saveAsUtf8Advice}`);
    }
    refuseReplaced(text, bom.encoding);
    return { text, encoding: bom.encoding, decidedBy: 'byte-order mark' };
  }
  const declared = options.declaredCharset ?? (options.xmlDeclaration ? xmlDeclaredCharset(bytes) : undefined);
  if (declared) {
    const encoding = charsetLabels[declared];
    if (!encoding) {
      throw new TextDecodingError(`the declared charset ${JSON.stringify(declared.slice(0, 40))} is not one we read (UTF-8, UTF-16, GBK, GB18030); ${saveAsUtf8Advice}`);
    }
    const text = strictDecode(bytes, encoding);
    if (text === undefined) {
      throw new TextDecodingError(`the file declares charset ${declared} but is not valid ${encoding}; ${saveAsUtf8Advice}`);
    }
    refuseReplaced(text, encoding);
    return { text, encoding, decidedBy: 'declared charset' };
  }
  const utf8 = strictDecode(bytes, 'UTF-8');
  if (utf8 !== undefined) {
    refuseReplaced(utf8, 'UTF-8');
    return { text: utf8, encoding: 'UTF-8', decidedBy: 'valid UTF-8' };
  }
  const gb = strictDecode(bytes, 'GB18030');
  if (gb !== undefined && firstUnreadableCharacter(gb) === undefined && options.plausibleGb18030?.(gb)) {
    return { text: gb, encoding: 'GB18030', decidedBy: 'GB18030 fallback' };
  }
  throw new TextDecodingError(`the file is not UTF-8 and does not read as GBK/GB18030 either; ${saveAsUtf8Advice}`);
}

function bomOf(bytes: Uint8Array): { encoding: TextEncodingName; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'UTF-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'UTF-16LE', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'UTF-16BE', length: 2 };
  return undefined;
}
