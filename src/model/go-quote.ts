/**
 * Go's `%q` / strconv.Quote, used verbatim in Prometheus error messages (`"foo.bar" is not a valid label
 * name`). Differs from JSON.stringify: `\a \v` escapes, `\x7f`-style for other controls, `\u`/`\U` for
 * non-printable code points, printable Unicode kept as is.
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\n": out += "\\n"; continue;
      case "\r": out += "\\r"; continue;
      case "\t": out += "\\t"; continue;
      case "\v": out += "\\v"; continue;
    }
    // U+DC80..U+DCFF: a byte that was not UTF-8 in a `!!binary` value (src/yaml/go-yaml-resolve.ts), which Go
    // prints as that byte.
    if (cp >= 0xdc80 && cp <= 0xdcff) out += `\\x${(cp - 0xdc00).toString(16).padStart(2, "0")}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // lone surrogate: Go sees invalid UTF-8
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (isPrintable(cp)) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return out + '"';
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[\p{Zs}]/u;

function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  return !NON_PRINTABLE.test(String.fromCodePoint(cp));
}
