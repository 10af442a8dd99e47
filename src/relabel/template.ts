/**
 * `$` templates of `replacement` and `target_label`, expanded exactly as Go's `regexp.Expand` does
 * (spec core.md 3.3). JavaScript's `String.replace` differs (`$1_svc`, `$01`, `$<name>`), so the grammar
 * is implemented here and parsed once, at config load.
 */

/** A parsed template: literal text and group references, in order. */
export type Template = readonly TemplatePart[];
export type TemplatePart = string | { readonly group: number } | { readonly name: string };

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Whether `text` contains a `$`, i.e. is a template at all (Go's `varInRegexTemplate`). */
export function hasTemplateVariable(text: string): boolean {
  return text.includes("$");
}

/** Parses `text` by the 3.3 grammar. Malformed references stay literal text. */
export function parseTemplate(text: string): Template {
  const parts: TemplatePart[] = [];
  let literal = "";
  let rest = text;
  for (;;) {
    const dollar = rest.indexOf("$");
    if (dollar < 0) break;
    literal += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith("$")) {
      literal += "$";
      rest = rest.slice(1);
      continue;
    }
    const ref = extractReference(rest);
    if (ref === undefined) {
      literal += "$"; // malformed: the `$` is text, scanning continues right after it
      continue;
    }
    if (literal !== "") parts.push(literal);
    literal = "";
    parts.push(ref.part);
    rest = rest.slice(ref.length);
  }
  literal += rest;
  if (literal !== "") parts.push(literal);
  return parts;
}

/** Go's `extract`: a `name` or `{name}` at the start of `text`, with its length in UTF-16 units. */
function extractReference(text: string): { part: TemplatePart; length: number } | undefined {
  const isBraced = text.startsWith("{");
  let i = isBraced ? 1 : 0;
  const start = i;
  for (const ch of text.slice(start)) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return undefined; // empty name
  const name = text.slice(start, i);
  if (isBraced) {
    if (text[i] !== "}") return undefined; // missing closing brace
    i++;
  }
  return { part: groupReference(name), length: i };
}

/** A name of at most 9 ASCII digits without a leading zero (or exactly "0") is a group number. */
function groupReference(name: string): TemplatePart {
  if (/^(0|[1-9][0-9]{0,8})$/.test(name)) return { group: Number(name) };
  return { name };
}

/**
 * Expands `template` with the submatches of one match (index i = group i, undefined = did not take part)
 * and the regex's named groups. Unknown or non-participating groups expand to "".
 */
export function expandTemplate(
  template: Template,
  submatches: readonly (string | undefined)[],
  namedGroups: ReadonlyMap<string, number>,
): string {
  if (template.length === 1 && typeof template[0] === "string") return template[0];
  let out = "";
  for (const part of template) {
    if (typeof part === "string") out += part;
    else if ("group" in part) out += submatches[part.group] ?? "";
    else {
      const index = namedGroups.get(part.name);
      if (index !== undefined) out += submatches[index] ?? "";
    }
  }
  return out;
}
