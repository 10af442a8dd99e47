/**
 * The XML-RPC codec Prometheus's Uyuni discovery uses (github.com/kolo/xmlrpc, the version pinned by
 * Prometheus 2.42 and 3.x), rebuilt on promsd's Go-compatible XML tokenizer so that every answer decodes —
 * or fails — as it does in Prometheus: the request bytes are kolo's EncodeMethodCall; a body containing
 * `<fault>…</fault>` is a FaultError; otherwise the first `<value>` anywhere is decoded into the Go type the
 * caller expects (`XmlRpcType`) with kolo's token walk, quirks included (an untyped value is a trimmed
 * string, an unknown empty type tag is the zero value, unknown struct members are skipped, a type that does
 * not match the Go field is a TypeMismatchError, ints are not trimmed).
 */
import { goTrimSpace, XmlEndOfInput, XmlTokenizer } from "../../xml/xml-tokenizer.js";

/** The Go types the Uyuni structs use. */
export type XmlRpcType =
  | { readonly kind: "string" }
  | { readonly kind: "int" }
  | { readonly kind: "bool" }
  | { readonly kind: "struct"; readonly fields: Readonly<Record<string, XmlRpcType>> }
  | { readonly kind: "slice"; readonly of: XmlRpcType };

export type XmlRpcValue = string | bigint | boolean | XmlRpcValue[] | { [field: string]: XmlRpcValue };

/** Arguments as kolo encodes them from Go values (Go ints are `<int>`). */
export type XmlRpcArgument = string | number | bigint | readonly XmlRpcArgument[];

const GO_KIND: Readonly<Record<XmlRpcType["kind"], string>> = { string: "string", int: "int", bool: "bool", struct: "struct", slice: "slice" };

/** Go's xml.EscapeText, as kolo applies it to strings. */
function escapeText(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += "&#34;";
    else if (ch === "'") out += "&#39;";
    else if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "\t") out += "&#x9;";
    else if (ch === "\n") out += "&#xA;";
    else if (ch === "\r") out += "&#xD;";
    else if (!(code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff))) out += "\ufffd";
    else out += ch;
  }
  return out;
}

function encodeValue(arg: XmlRpcArgument): string {
  if (typeof arg === "string") return `<value><string>${escapeText(arg)}</string></value>`;
  if (typeof arg === "number") return `<value><int>${Math.trunc(arg)}</int></value>`;
  if (typeof arg === "bigint") return `<value><int>${arg}</int></value>`;
  return `<value><array><data>${arg.map(encodeValue).join("")}</data></array></value>`;
}

/** kolo's EncodeMethodCall. */
export function encodeMethodCall(method: string, args: readonly XmlRpcArgument[]): string {
  const params = args.map((arg) => `<param>${encodeValue(arg)}</param>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
}

/** kolo's FaultError: the server answered with `<fault>`. */
export class XmlRpcFault extends Error {
  override readonly name = "XmlRpcFault";
  constructor(readonly faultCode: bigint, readonly faultString: string) {
    super(`Fault(${faultCode}): ${faultString}`);
  }
}

const invalidXml = (): Error => new Error("invalid xml");
const mismatch = (target: XmlRpcType, wanted: string): Error => new Error(`error: type mismatch - can't unmarshal ${GO_KIND[target.kind]} to ${wanted}`);

/** The zero value of a Go type. */
export function zeroValue(type: XmlRpcType): XmlRpcValue {
  switch (type.kind) {
    case "string": return "";
    case "int": return 0n;
    case "bool": return false;
    case "slice": return [];
    case "struct": return Object.fromEntries(Object.entries(type.fields).map(([name, field]) => [name, zeroValue(field)]));
  }
}

function parseGoInt(data: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(data)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(data)}: invalid syntax`);
  const value = BigInt(data);
  if (value < -(2n ** 63n) || value > 2n ** 63n - 1n) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(data)}: value out of range`);
  return value;
}

class KoloDecoder {
  constructor(readonly xml: XmlTokenizer) {}

  /** decodeValue: the `<value>` start was just read; returns the new value of the target. */
  value(type: XmlRpcType, current: XmlRpcValue): XmlRpcValue {
    let typeName: string;
    for (;;) {
      const token = this.xml.next();
      if (token.kind === "end") {
        if (token.name.local === "value") return current;
        throw invalidXml();
      }
      if (token.kind === "start") {
        typeName = token.name.local;
        break;
      }
      if (token.kind === "text") {
        const text = goTrimSpace(token.text);
        if (text !== "") {
          if (type.kind !== "string") throw mismatch(type, "string");
          return text;
        }
      }
    }
    if (typeName === "struct") return this.#struct(type, current);
    if (typeName === "array") return this.#array(type, current);
    return this.#scalar(typeName, type, current);
  }

  #struct(type: XmlRpcType, current: XmlRpcValue): XmlRpcValue {
    if (type.kind !== "struct") throw mismatch(type, "struct");
    const target = (typeof current === "object" && !Array.isArray(current) ? current : zeroValue(type)) as Record<string, XmlRpcValue>;
    for (;;) {
      const token = this.xml.next();
      if (token.kind === "end") return target;
      if (token.kind !== "start") continue;
      if (token.name.local !== "member") throw invalidXml();
      const [tagName, fieldName] = this.#readTag();
      if (tagName !== "name") throw invalidXml();
      const fieldType = Object.hasOwn(type.fields, fieldName) ? type.fields[fieldName] : undefined;
      if (fieldType !== undefined) {
        for (;;) {
          const inner = this.xml.next();
          if (inner.kind === "start" && inner.name.local === "value") {
            target[fieldName] = this.value(fieldType, target[fieldName] ?? zeroValue(fieldType));
            this.xml.skip(); // </value>
            break;
          }
        }
      }
      this.xml.skip(); // </member>
    }
  }

  #array(type: XmlRpcType, current: XmlRpcValue): XmlRpcValue {
    if (type.kind !== "slice") throw mismatch(type, "slice");
    let slice = Array.isArray(current) ? current : [];
    for (;;) {
      const token = this.xml.next();
      if (token.kind === "end") return slice;
      if (token.kind !== "start") continue;
      if (token.name.local !== "data") throw invalidXml();
      const next = [...slice];
      let index = 0;
      for (;;) {
        const inner = this.xml.next();
        if (inner.kind === "end") break;
        if (inner.kind !== "start") continue;
        if (inner.name.local !== "value") throw invalidXml();
        // kolo decodes into existing elements only through pointers; the Uyuni slices hold structs.
        if (index < next.length) throw new Error("error: cannot write to non-pointer array element");
        next.push(this.value(type.of, zeroValue(type.of)));
        this.xml.skip(); // </value>
        index++;
      }
      slice = next;
    }
  }

  #scalar(typeName: string, type: XmlRpcType, current: XmlRpcValue): XmlRpcValue {
    const token = this.xml.next();
    if (token.kind === "end") return current;
    if (token.kind !== "text") throw invalidXml();
    const data = token.text;
    let value: XmlRpcValue;
    switch (typeName) {
      case "int": case "i4": case "i8":
        if (type.kind !== "int") throw mismatch(type, "int");
        value = parseGoInt(data);
        break;
      case "string": case "base64":
        if (type.kind !== "string") throw mismatch(type, "string");
        value = data;
        break;
      case "boolean":
        value = parseStrictBool(data);
        if (type.kind !== "bool") throw mismatch(type, "bool");
        break;
      case "double":
        throw mismatch(type, "float32");
      case "dateTime.iso8601":
        throw new Error(`error: type mismatch error - can't decode ${GO_KIND[type.kind]} to time`);
      default:
        throw new Error("unsupported type");
    }
    this.xml.skip(); // </type>
    return value;
  }

  /** readTag: the next element's local name and its first character data. */
  #readTag(): [string, string] {
    let name: string;
    for (;;) {
      const token = this.xml.next();
      if (token.kind === "start") {
        name = token.name.local;
        break;
      }
    }
    const data = this.xml.next();
    if (data.kind !== "text") throw invalidXml();
    this.xml.skip();
    return [name, data.text];
  }
}

/** strconv.ParseBool without trimming (kolo passes the raw character data). */
function parseStrictBool(data: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(data)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(data)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(data)}: invalid syntax`);
}

/** kolo's unmarshal: the first `<value>` of the document into `type`; the rest of its parent is skipped. */
function unmarshal(body: string, type: XmlRpcType): XmlRpcValue {
  const xml = new XmlTokenizer(body);
  const decoder = new KoloDecoder(xml);
  for (;;) {
    const token = xml.next();
    if (token.kind === "start" && token.name.local === "value") break;
  }
  const value = decoder.value(type, zeroValue(type));
  try {
    xml.skip();
  } catch (error) {
    if (!(error instanceof XmlEndOfInput)) throw error;
  }
  return value;
}

const FAULT_TYPE: XmlRpcType = { kind: "struct", fields: { faultCode: { kind: "int" }, faultString: { kind: "string" } } };

/** Response.Err then Response.Unmarshal; errors as kolo and net/rpc word them. */
export function decodeMethodResponse(body: string, type: XmlRpcType): XmlRpcValue {
  // kolo's faultRx `<fault>(\s|\S)+</fault>`, as two linear searches.
  const faultStart = body.indexOf("<fault>");
  if (faultStart !== -1 && body.lastIndexOf("</fault>") > faultStart + "<fault>".length) {
    const fault = unmarshal(body, FAULT_TYPE) as { faultCode: bigint; faultString: string };
    throw new XmlRpcFault(fault.faultCode, fault.faultString);
  }
  try {
    return unmarshal(body, type);
  } catch (error) {
    // net/rpc prefixes errors from ReadResponseBody.
    throw new Error(`reading body ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
