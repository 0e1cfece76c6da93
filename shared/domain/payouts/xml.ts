// The little XML this domain needs, without an XML library: escaping for the pain.001 writer and a
// small event scanner for reading pain.002. It handles what banks actually send (an XML
// declaration, comments, namespace prefixes, attributes, CDATA, the five predefined entities and
// character references) and refuses what it does not need and would be risky to accept (DOCTYPE,
// so no entity expansion). It is not a validating parser.

/** Characters XML 1.0 does not allow at all (not even as character references), and lone surrogates. */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasInvalidXmlChars(text: string): boolean {
  return INVALID_XML_CHARS.test(text);
}

/**
 * Escapes text for element content or a double- or single-quoted attribute value.
 * Throws on characters XML 1.0 cannot carry at all; the caller decides what that means.
 */
export function escapeXml(text: string): string {
  if (INVALID_XML_CHARS.test(text)) {
    throw new RangeError('text contains a character that XML 1.0 does not allow (control character or lone surrogate)');
  }
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export class XmlSyntaxError extends Error {
  override readonly name = 'XmlSyntaxError';
  constructor(
    message: string,
    /** Offset in the scanned string (UTF-16 code units). */
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
}

export interface XmlEvents {
  /** `localName` is the name without its namespace prefix (`ns2:TxSts` → `TxSts`). */
  open?(localName: string, attributes: Record<string, string>, offset: number): void;
  close?(localName: string, offset: number): void;
  /** Decoded character data; may arrive in several pieces for one element. */
  text?(text: string, offset: number): void;
}

/** Decodes the predefined entities and character references; throws on anything else after `&`. */
export function decodeXmlText(raw: string, offset = 0): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let from = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', from)) {
    out += raw.slice(from, amp);
    const semi = raw.indexOf(';', amp);
    const name = semi === -1 ? '' : raw.slice(amp + 1, semi);
    let decoded: string | undefined;
    if (/^#[0-9]{1,7}$/.test(name)) decoded = fromCodePoint(Number(name.slice(1)));
    else if (/^#x[0-9a-fA-F]{1,6}$/.test(name)) decoded = fromCodePoint(parseInt(name.slice(2), 16));
    else decoded = Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : undefined;
    if (decoded === undefined) {
      throw new XmlSyntaxError(`unknown or malformed entity reference "&${name.slice(0, 20)}"`, offset + amp);
    }
    out += decoded;
    from = semi + 1;
  }
  return out + raw.slice(from);
}

function fromCodePoint(cp: number): string | undefined {
  if (cp > 0x10ffff) return undefined;
  const s = String.fromCodePoint(cp);
  return INVALID_XML_CHARS.test(s) ? undefined : s;
}

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$/;
const ATTRIBUTE = /\s*([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

/**
 * Walks `xml` once, calling `events` in document order. Throws `XmlSyntaxError` on input that is
 * not well-formed in the ways that matter here: mismatched or unclosed tags, more than one root,
 * text outside the root, bad entities, a DOCTYPE.
 */
export function scanXml(xml: string, events: XmlEvents): void {
  const stack: string[] = [];
  let sawRoot = false;
  let pos = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = xml.length;

  const emitText = (raw: string, at: number): void => {
    if (raw.length === 0) return;
    if (stack.length === 0) {
      if (raw.trim().length > 0) throw new XmlSyntaxError('text outside the root element', at);
      return;
    }
    if (INVALID_XML_CHARS.test(raw)) throw new XmlSyntaxError('character not allowed in XML', at);
    events.text?.(decodeXmlText(raw, at), at);
  };

  while (pos < n) {
    const lt = xml.indexOf('<', pos);
    if (lt === -1) {
      emitText(xml.slice(pos), pos);
      break;
    }
    emitText(xml.slice(pos, lt), pos);

    if (xml.startsWith('<?', lt)) {
      pos = skipPast(xml, '?>', lt, 'processing instruction');
    } else if (xml.startsWith('<!--', lt)) {
      pos = skipPast(xml, '-->', lt, 'comment');
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end === -1) throw new XmlSyntaxError('unterminated CDATA section', lt);
      if (stack.length === 0) throw new XmlSyntaxError('CDATA outside the root element', lt);
      events.text?.(xml.slice(lt + 9, end), lt);
      pos = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlSyntaxError('DOCTYPE and other declarations are not accepted', lt);
    } else if (xml.startsWith('</', lt)) {
      const gt = xml.indexOf('>', lt);
      if (gt === -1) throw new XmlSyntaxError('unterminated end tag', lt);
      const name = xml.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (open !== name) {
        throw new XmlSyntaxError(
          open === undefined ? `end tag </${name}> without a start tag` : `end tag </${name}> does not match <${open}>`,
          lt,
        );
      }
      events.close?.(localName(name), lt);
      pos = gt + 1;
    } else {
      const gt = endOfStartTag(xml, lt);
      const selfClosing = xml[gt - 1] === '/';
      const body = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
      const nameEnd = body.search(/[\s]|$/);
      const name = body.slice(0, nameEnd);
      if (!NAME.test(name)) throw new XmlSyntaxError(`bad element name "${name.slice(0, 40)}"`, lt);
      if (stack.length === 0 && sawRoot) throw new XmlSyntaxError('more than one root element', lt);
      sawRoot = true;
      const attributes = parseAttributes(body, nameEnd, lt);
      events.open?.(localName(name), attributes, lt);
      if (selfClosing) events.close?.(localName(name), lt);
      else stack.push(name);
      pos = gt + 1;
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${stack[stack.length - 1]}> is never closed`, n);
  if (!sawRoot) throw new XmlSyntaxError('no root element', n);
}

function localName(qName: string): string {
  const colon = qName.indexOf(':');
  return colon === -1 ? qName : qName.slice(colon + 1);
}

function skipPast(xml: string, terminator: string, from: number, what: string): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw new XmlSyntaxError(`unterminated ${what}`, from);
  return end + terminator.length;
}

/** Offset of the `>` closing the start tag at `lt`; quoted attribute values may contain `>`. */
function endOfStartTag(xml: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    } else if (c === '<') {
      break;
    }
  }
  throw new XmlSyntaxError('unterminated start tag', lt);
}

function parseAttributes(body: string, from: number, lt: number): Record<string, string> {
  const attributes = Object.create(null) as Record<string, string>;
  ATTRIBUTE.lastIndex = from;
  let at = from;
  for (let m = ATTRIBUTE.exec(body); m; m = ATTRIBUTE.exec(body)) {
    const name = m[1]!;
    if (Object.hasOwn(attributes, name)) throw new XmlSyntaxError(`duplicate attribute ${name}`, lt);
    attributes[name] = decodeXmlText(m[2] ?? m[3] ?? '', lt);
    at = ATTRIBUTE.lastIndex;
  }
  if (body.slice(at).trim().length > 0) throw new XmlSyntaxError('malformed attributes', lt);
  return attributes;
}
