/**
 * A strict XML tokenizer with the token semantics of Go's `encoding/xml` Decoder.Token() (Strict mode, no
 * CharsetReader, no custom entities): the decoder behind Eureka discovery (`xml.Decoder.Decode`) and Uyuni's
 * XML-RPC library (kolo/xmlrpc walks these tokens). Both consumers reproduce Go's decoding on top of it, so
 * the tokens must be Go's tokens: a run of text up to the next `<` is one CharData (entities decoded, CR LF
 * folded to LF), a CDATA section is its own CharData, a self-closing element is a start and an end token.
 *
 * Safe by construction: one left-to-right scan with no regular expressions over the input (no ReDoS), no
 * DTD processing and no entity expansion (a DOCTYPE is skipped as a directive, `&custom;` is an error, as in
 * Go), a cap on element depth. The input itself is already size-capped by the HTTP client.
 */

export interface XmlName {
  /** The prefix as written ("" when none); promsd's consumers match on `local` only, as Go's do here. */
  readonly space: string;
  readonly local: string;
}

export interface XmlAttribute {
  readonly name: XmlName;
  readonly value: string;
}

export type XmlToken =
  /** `innerStart`: offset just after the start tag (where Go's `,innerxml` capture begins). */
  | { readonly kind: "start"; readonly name: XmlName; readonly attrs: readonly XmlAttribute[]; readonly innerStart: number }
  /** `tagStart`: offset of the `<` of the end tag (where `,innerxml` capture ends); self-closing: = innerStart. */
  | { readonly kind: "end"; readonly name: XmlName; readonly tagStart: number }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "comment" }
  | { readonly kind: "procinst"; readonly target: string }
  | { readonly kind: "directive" };

/** Go's `*xml.SyntaxError`, same message shape: `XML syntax error on line N: …`. */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
  constructor(readonly line: number, problem: string) {
    super(`XML syntax error on line ${line}: ${problem}`);
  }
}

/** Go's `io.EOF` from Token() when the document ends with every element closed. */
export class XmlEndOfInput extends Error {
  override readonly name = "XmlEndOfInput";
  constructor() {
    super("EOF");
  }
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };
const DEFAULT_MAX_DEPTH = 256;

function isNameChar(c: string): boolean {
  return (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "_" || c === ":" || c === "." || c === "-" || c > "\x7f";
}

function isNameStart(c: string): boolean {
  return (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || c === "_" || c === ":" || (c > "\x7f" && /^\p{L}$/u.test(c));
}

/** Go's isInCharacterRange. */
function isXmlChar(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

/** Go's Name split: one colon with text on both sides makes a prefix; anything else is all local. */
function splitName(raw: string): XmlName {
  const colon = raw.indexOf(":");
  if (colon <= 0 || colon === raw.length - 1 || raw.indexOf(":", colon + 1) !== -1) return { space: "", local: raw };
  return { space: raw.slice(0, colon), local: raw.slice(colon + 1) };
}

export class XmlTokenizer {
  readonly #text: string;
  readonly #maxDepth: number;
  #pos = 0;
  /** Raw names of the open elements, innermost last. */
  readonly #open: string[] = [];
  #pendingEnd: XmlToken | undefined;

  constructor(text: string, options: { maxDepth?: number } = {}) {
    this.#text = text;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** The raw input between two offsets (Go's `,innerxml`). */
  raw(start: number, end: number): string {
    return this.#text.slice(start, end);
  }

  /** The next token; throws XmlSyntaxError, or XmlEndOfInput at a clean end of the document. */
  next(): XmlToken {
    if (this.#pendingEnd !== undefined) {
      const token = this.#pendingEnd;
      this.#pendingEnd = undefined;
      return token;
    }
    if (this.#pos >= this.#text.length) {
      if (this.#open.length > 0) this.#fail("unexpected EOF");
      throw new XmlEndOfInput();
    }
    if (this.#text[this.#pos] !== "<") return { kind: "text", text: this.#readText(undefined) };
    this.#pos++;
    const c = this.#take();
    if (c === "/") return this.#readEndTag();
    if (c === "?") return this.#readProcInst();
    if (c === "!") return this.#readBang();
    this.#pos--;
    return this.#readStartTag();
  }

  /** Go's Decoder.Skip: consumes tokens up to the end of the element whose start was just read. */
  skip(): void {
    let depth = 0;
    for (;;) {
      const token = this.next();
      if (token.kind === "start") depth++;
      else if (token.kind === "end") {
        if (depth === 0) return;
        depth--;
      }
    }
  }

  #fail(problem: string): never {
    let line = 1;
    for (let i = 0; i < Math.min(this.#pos, this.#text.length); i++) if (this.#text.charCodeAt(i) === 10) line++;
    throw new XmlSyntaxError(line, problem);
  }

  #take(): string {
    const c = this.#text[this.#pos];
    if (c === undefined) this.#fail("unexpected EOF");
    this.#pos++;
    return c;
  }

  #skipSpace(): void {
    while (isSpace(this.#text[this.#pos])) this.#pos++;
  }

  #readName(): string {
    const start = this.#pos;
    while (this.#pos < this.#text.length && isNameChar(this.#text[this.#pos] ?? "")) this.#pos++;
    if (this.#pos >= this.#text.length) this.#fail("unexpected EOF");
    const name = this.#text.slice(start, this.#pos);
    const first = String.fromCodePoint(name.codePointAt(0) ?? 0);
    if (name === "" || !isNameStart(first)) this.#fail(`invalid XML name: ${name}`);
    return name;
  }

  #readStartTag(): XmlToken {
    const raw = this.#readName();
    const attrs: XmlAttribute[] = [];
    let selfClosing = false;
    for (;;) {
      this.#skipSpace();
      const c = this.#take();
      if (c === "/") {
        if (this.#take() !== ">") this.#fail(`expected /> in element`);
        selfClosing = true;
        break;
      }
      if (c === ">") break;
      this.#pos--;
      const attrName = this.#readName();
      this.#skipSpace();
      if (this.#take() !== "=") this.#fail("attribute name without = in element");
      this.#skipSpace();
      const quote = this.#take();
      if (quote !== '"' && quote !== "'") this.#fail("unquoted or missing attribute value in element");
      attrs.push({ name: splitName(attrName), value: this.#readText(quote) });
      this.#pos++; // the closing quote
    }
    const name = splitName(raw);
    const innerStart = this.#pos;
    if (selfClosing) {
      this.#pendingEnd = { kind: "end", name, tagStart: innerStart };
    } else {
      if (this.#open.length >= this.#maxDepth) this.#fail(`elements nested deeper than ${this.#maxDepth}`);
      this.#open.push(raw);
    }
    return { kind: "start", name, attrs, innerStart };
  }

  #readEndTag(): XmlToken {
    const tagStart = this.#pos - 2;
    const raw = this.#readName();
    this.#skipSpace();
    if (this.#take() !== ">") this.#fail(`invalid characters between </${raw} and >`);
    const open = this.#open.pop();
    if (open === undefined) this.#fail(`unexpected end element </${raw}>`);
    if (open !== raw) this.#fail(`element <${open}> closed by </${raw}>`);
    return { kind: "end", name: splitName(raw), tagStart };
  }

  #readProcInst(): XmlToken {
    const target = this.#readName();
    const close = this.#text.indexOf("?>", this.#pos);
    if (close === -1) {
      this.#pos = this.#text.length;
      this.#fail("unexpected EOF");
    }
    const content = this.#text.slice(this.#pos, close);
    this.#pos = close + 2;
    if (target === "xml") this.#checkDeclaration(content);
    return { kind: "procinst", target };
  }

  /** Go rejects other versions, and any declared encoding but UTF-8 when no CharsetReader is set. */
  #checkDeclaration(content: string): void {
    const version = pseudoAttribute(content, "version");
    if (version !== "" && version !== "1.0") throw new Error(`xml: unsupported version ${JSON.stringify(version)}; only version 1.0 is supported`);
    const encoding = pseudoAttribute(content, "encoding");
    if (encoding !== "" && encoding.toLowerCase() !== "utf-8") throw new Error(`xml: encoding ${JSON.stringify(encoding)} declared but Decoder.CharsetReader is nil`);
  }

  #readBang(): XmlToken {
    if (this.#text.startsWith("--", this.#pos)) {
      const close = this.#text.indexOf("--", this.#pos + 2);
      if (close === -1) this.#fail("unexpected EOF");
      if (this.#text[close + 2] === undefined) this.#fail("unexpected EOF");
      if (this.#text[close + 2] !== ">") this.#fail(`invalid sequence "--" not allowed in comments`);
      this.#pos = close + 3;
      return { kind: "comment" };
    }
    if (this.#text.startsWith("[CDATA[", this.#pos)) {
      const close = this.#text.indexOf("]]>", this.#pos + 7);
      if (close === -1) this.#fail("unexpected EOF in CDATA section");
      const text = this.#normalise(this.#text.slice(this.#pos + 7, close));
      this.#pos = close + 3;
      return { kind: "text", text };
    }
    // A directive (<!DOCTYPE …>): skipped up to its matching '>', quotes and nested <…> respected. Its
    // entity declarations are never used: `&name;` for anything but the five predefined names is an error.
    let depth = 0;
    let quote: string | undefined;
    for (;;) {
      const c = this.#take();
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "<") depth++;
      else if (c === ">") {
        if (depth === 0) return { kind: "directive" };
        depth--;
      }
    }
  }

  /** Text up to `<` (content) or up to `quote` (attribute value), entities decoded, CR LF → LF. */
  #readText(quote: string | undefined): string {
    let out = "";
    let runStart = this.#pos;
    for (;;) {
      const c = this.#text[this.#pos];
      if (c === undefined) {
        if (quote !== undefined) this.#fail("unexpected EOF");
        break;
      }
      if (quote === undefined ? c === "<" : c === quote) break;
      if (quote !== undefined && c === "<") this.#fail("unescaped < inside quoted string");
      if (c === "]" && quote === undefined && this.#text.startsWith("]]>", this.#pos)) this.#fail("unescaped ]]> not in CDATA section");
      if (c === "&") {
        out += this.#text.slice(runStart, this.#pos);
        out += this.#readEntity();
        runStart = this.#pos;
        continue;
      }
      const code = this.#text.codePointAt(this.#pos) ?? 0;
      if (!isXmlChar(code)) this.#fail(`illegal character code U+${code.toString(16).toUpperCase().padStart(4, "0")}`);
      this.#pos += code > 0xffff ? 2 : 1;
    }
    out += this.#text.slice(runStart, this.#pos);
    return this.#normalise(out);
  }

  #readEntity(): string {
    const start = this.#pos;
    this.#pos++; // '&'
    const semicolon = this.#text.indexOf(";", this.#pos);
    // Entity names are short: look no further than a few dozen characters for the ';'.
    const body = semicolon === -1 || semicolon - this.#pos > 64 ? undefined : this.#text.slice(this.#pos, semicolon);
    if (body !== undefined) {
      if (body.startsWith("#")) {
        const digits = body.startsWith("#x") ? body.slice(2) : body.slice(1);
        const radix = body.startsWith("#x") ? 16 : 10;
        const valid = digits !== "" && [...digits].every((d) => !Number.isNaN(parseInt(d, radix)));
        const code = valid ? parseInt(digits, radix) : NaN;
        if (valid && isXmlChar(code)) {
          this.#pos = semicolon + 1;
          return String.fromCodePoint(code);
        }
      } else {
        const value = PREDEFINED_ENTITIES[body];
        if (value !== undefined) {
          this.#pos = semicolon + 1;
          return value;
        }
      }
      this.#pos = start;
      this.#fail(`invalid character entity &${body};`);
    }
    this.#pos = start;
    this.#fail(`invalid character entity &${this.#text.slice(start + 1, start + 16).split(/[^\w#.-]/)[0] ?? ""} (no semicolon)`);
  }

  #normalise(text: string): string {
    return text.includes("\r") ? text.replaceAll("\r\n", "\n").replaceAll("\r", "\n") : text;
  }
}

/** `name="value"` inside an `<?xml …?>` declaration; "" when absent. */
function pseudoAttribute(content: string, name: string): string {
  const at = content.indexOf(`${name}=`);
  if (at === -1) return "";
  const quote = content[at + name.length + 1];
  if (quote !== '"' && quote !== "'") return "";
  const end = content.indexOf(quote, at + name.length + 2);
  return end === -1 ? "" : content.slice(at + name.length + 2, end);
}

/** Go's strings.TrimSpace (Unicode White_Space, not the BOM that String.prototype.trim also removes). */
export function goTrimSpace(text: string): string {
  const isWhite = (c: string): boolean => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(c);
  let start = 0;
  let end = text.length;
  while (start < end && isWhite(text[start] ?? "")) start++;
  while (end > start && isWhite(text[end - 1] ?? "")) end--;
  return text.slice(start, end);
}

/** Decodes a response body as UTF-8; Go's decoder rejects invalid UTF-8 the same way. */
export function decodeXmlBody(body: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new XmlSyntaxError(1, "invalid UTF-8");
  }
}
