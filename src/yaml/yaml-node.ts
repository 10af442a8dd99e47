/**
 * A small, position-carrying view of a YAML document, built once from the `yaml` package's AST.
 *
 * Why not `yaml.parse()` into JS values: Prometheus reads YAML with go-yaml v2, where a string field takes
 * the scalar's raw text (`0x10` stays "0x10", `yes` stays "yes"), while JS schemas turn those into numbers
 * and booleans (spec core.md 5.9, Appendix A). We also need the line of every value for error messages.
 * Aliases are resolved and `<<` merge keys applied here, so config parsers only see maps, lists and scalars.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ConfigError } from "../errors.js";
import { ConfigLocation } from "./location.js";

interface NodeBase {
  /** 1-based line of the node in its file; 0 when built from a JS value. */
  readonly line: number;
}
export interface YamlScalar extends NodeBase {
  readonly kind: "scalar";
  /** The raw text of a plain scalar, or the decoded value of a quoted one. "" for null. */
  readonly text: string;
  /** Plain `~`, `null`, `Null`, `NULL` or nothing at all: go-yaml's null. */
  readonly isNull: boolean;
  readonly isQuoted: boolean;
}
export interface YamlSeq extends NodeBase {
  readonly kind: "seq";
  readonly items: readonly YamlNode[];
}
export interface YamlEntry {
  readonly key: string;
  readonly keyLine: number;
  readonly value: YamlNode;
}
export interface YamlMap extends NodeBase {
  readonly kind: "map";
  readonly entries: readonly YamlEntry[];
}
export type YamlNode = YamlScalar | YamlSeq | YamlMap;

const NULL_SCALAR: YamlScalar = { kind: "scalar", text: "", isNull: true, isQuoted: false, line: 0 };

/** Parses one YAML document. Syntax errors become ConfigErrors naming file and line. */
export function parseYaml(text: string, file: string): YamlNode {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: "1.1",
    merge: true,
    uniqueKeys: false, // duplicates are reported by MapReader with Prometheus's wording
    lineCounter,
    prettyErrors: false,
  });
  const first = doc.errors[0];
  if (first) {
    // For a nested compact mapping the yaml package points at the value; libyaml at the `:` after it.
    const colon = first.code === "BLOCK_AS_IMPLICIT_KEY" ? text.slice(first.pos[0]).search(/:(\s|$)/) : -1;
    const line = lineCounter.linePos(first.pos[0] + Math.max(colon, 0)).line;
    const message = first.message.split("\n")[0] ?? "";
    throw new ConfigError(new ConfigLocation(file, line, ""), goYamlSyntaxError(first.code, message, line, text), `fix the YAML syntax (${message})`);
  }
  if (doc.contents === null) return { ...NULL_SCALAR, line: 1 };
  try {
    return convert(doc, doc.contents as Node, lineCounter, new Set());
  } catch (error) {
    // convert() does not know the file name; put it on the location of an unknown-anchor error.
    if (error instanceof ConfigError && error.at.file === "") throw new ConfigError(new ConfigLocation(file, error.at.line, ""), error.problem, "define the anchor (&name) before using it (*name)");
    throw error;
  }
}

/**
 * go-yaml's (libyaml's) wording for the syntax errors people make, from the `yaml` package's error code.
 * libyaml prints scanner errors with the 1-based line and parser errors with the 0-based line of the
 * offending token, and leaves the line out when it would be 0 (the first line).
 */
function goYamlSyntaxError(code: string, message: string, line: number, text: string): string {
  const at = (n: number): string => (n > 0 ? `line ${n}: ` : "");
  // Errors found at the end of the input: the scanner's mark is on the last newline; the parser's
  // stream-end mark moves to a new line when the text does not end with one.
  const newlines = text.split("\n").length - 1;
  const streamEndLine = newlines + (text === "" || text.endsWith("\n") ? 0 : 1);
  if (code === "TAB_AS_INDENT") return `yaml: line ${line}: found character that cannot start any token`;
  if (/^Missing closing .quote/.test(message)) return `yaml: ${at(newlines > 0 ? newlines + 1 : 0)}found unexpected end of stream`;
  if (code === "BLOCK_AS_IMPLICIT_KEY") return `yaml: ${at(line > 1 ? line : 0)}mapping values are not allowed in this context`;
  if (message === "Sequence item without - indicator" || message === "All mapping items must start at the same column") {
    return `yaml: ${at(line - 1)}did not find expected '-' indicator`;
  }
  if (/^Flow sequence .*end with a \]/.test(message)) return `yaml: ${at(streamEndLine)}did not find expected ',' or ']'`;
  if (/^Flow map .*end with a \}/.test(message)) return `yaml: ${at(streamEndLine)}did not find expected ',' or '}'`;
  return `yaml: ${at(line)}${message}`;
}

function lineOf(node: Node, lines: LineCounter): number {
  const start = node.range?.[0];
  return start === undefined ? 0 : lines.linePos(start).line;
}

function convert(doc: Document, node: Node, lines: LineCounter, resolving: Set<Node>): YamlNode {
  if (isAlias(node)) {
    const target = node.resolve(doc) as Node | undefined;
    if (!target) {
      const line = lineOf(node, lines);
      throw new ConfigError(new ConfigLocation("", line, ""), `yaml: unknown anchor '${node.source}' referenced`, "define the anchor (&name) before using it (*name)");
    }
    if (resolving.has(target)) return { ...NULL_SCALAR, line: lineOf(node, lines) };
    resolving.add(target);
    try {
      return convert(doc, target, lines, resolving);
    } finally {
      resolving.delete(target);
    }
  }
  const line = lineOf(node, lines);
  if (isScalar(node)) {
    const isQuoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" || node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
    const isNull = !isQuoted && node.value === null && node.tag !== "tag:yaml.org,2002:str";
    const text = isNull ? "" : typeof node.source === "string" ? node.source : String(node.value);
    return { kind: "scalar", text, isNull, isQuoted, line };
  }
  if (isSeq(node)) {
    return { kind: "seq", items: node.items.map((item) => convert(doc, item as Node, lines, resolving)), line };
  }
  if (isMap(node)) {
    const explicit: YamlEntry[] = [];
    const merged: YamlEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyText = keyNode && isScalar(keyNode) ? String(keyNode.source ?? keyNode.value ?? "") : "";
      const value: YamlNode = pair.value ? convert(doc, pair.value as Node, lines, resolving) : { ...NULL_SCALAR, line };
      if (keyText === "<<" && keyNode && isScalar(keyNode) && keyNode.type === "PLAIN") {
        // YAML 1.1 merge key: entries of the merged map(s) apply unless the map itself sets them.
        const sources = value.kind === "seq" ? value.items : [value];
        for (const source of sources) if (source.kind === "map") merged.push(...source.entries);
        continue;
      }
      const keyLine = keyNode ? lineOf(keyNode, lines) : line;
      explicit.push({ key: keyText, keyLine, value });
    }
    const own = new Set(explicit.map((e) => e.key));
    const seenMerged = new Set<string>();
    const inherited = merged.filter((e) => !own.has(e.key) && !seenMerged.has(e.key) && seenMerged.add(e.key));
    return { kind: "map", entries: [...explicit, ...inherited], line };
  }
  return { ...NULL_SCALAR, line };
}

/**
 * Builds a node tree from a plain JS value, so library users can pass config objects instead of YAML
 * text and get the same validation. Numbers and booleans become their decimal/`true` text.
 */
export function yamlNodeFromValue(value: unknown): YamlNode {
  if (value === null || value === undefined) return NULL_SCALAR;
  if (Array.isArray(value)) return { kind: "seq", items: value.map(yamlNodeFromValue), line: 0 };
  if (typeof value === "object") {
    if (typeof (value as { reveal?: unknown }).reveal === "function") {
      // A Secret passed by a library user: keep its value, it is re-wrapped as a Secret when parsed.
      const text = (value as { reveal(): string }).reveal();
      return { kind: "scalar", text, isNull: false, isQuoted: true, line: 0 };
    }
    const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, keyLine: 0, value: yamlNodeFromValue(v) }));
    return { kind: "map", entries, line: 0 };
  }
  return { kind: "scalar", text: String(value), isNull: false, isQuoted: typeof value === "string", line: 0 };
}

/** go-yaml's tag name for a node kind, as used in its type errors (`cannot unmarshal !!seq into string`). */
export function goYamlTag(node: YamlNode): string {
  switch (node.kind) {
    case "map":
      return "!!map";
    case "seq":
      return "!!seq";
    case "scalar":
      return node.isNull ? "!!null" : node.isQuoted ? "!!str" : guessScalarTag(node.text);
  }
}

function guessScalarTag(text: string): string {
  if (/^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0[0-7_]+|0b[01_]+)$/.test(text)) return "!!int";
  // go-yaml v2 tries strconv.ParseFloat on numeric-looking plain scalars, so `1e3` is a float too.
  if (/^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return "!!float";
  if (/^[-+]?(\.(inf|Inf|INF)|inf|infinity|Inf|Infinity)$|^(\.(nan|NaN|NAN)|nan|NaN)$/.test(text)) return "!!float";
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(text)) return "!!bool";
  return "!!str";
}
