/**
 * Turns a foreign key (a serverset endpoint name, Consul meta key, Marathon label) into a label-name
 * suffix (spec common.md 2.2): every code point that is not an ASCII letter, digit or `_` becomes one `_`.
 */
export function sanitizeLabelName(name: string): string {
  let out = "";
  for (const ch of name) out += /^[A-Za-z0-9_]$/.test(ch) ? ch : "_";
  return out;
}
