/**
 * A small, position-carrying view of a YAML document, built once from the `yaml` package's AST.
 *
 * Why not `yaml.parse()` into JS values: Prometheus reads YAML with go-yaml v2, where a string field takes
 * the scalar's raw text (`0x10` stays "0x10", `yes` stays "yes"), while JS schemas turn those into numbers
 * and booleans (spec core.md 5.9, Appendix A). We also need the line of every value for error messages.
 * Aliases are resolved and `<<` merge keys applied here, so config parsers only see maps, lists and scalars.
 */
import { isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ConfigError } from "../errors.js";
import { decodeGoBase64, resolveScalar, shortTag, type ResolvedScalar } from "./go-yaml-resolve.js";
import { ConfigLocation } from "./location.js";

interface NodeBase {
  /** 1-based line of the node in its file; 0 when built from a JS value. */
  readonly line: number;
}
export interface YamlScalar extends NodeBase {
  readonly kind: "scalar";
  /** The raw text of a plain scalar, or the decoded value of a quoted one. "" for null. */
  readonly text: string;
  /** Plain `~`, `null`, `Null`, `NULL` or nothing at all (or `!!null` on those): go-yaml's null. */
  readonly isNull: boolean;
  readonly isQuoted: boolean;
  /** The explicit tag as go-yaml prints it (`!!binary`, `!!int`, `!foo`); absent when none was written. */
  readonly tag?: string;
  /** The text as written when `text` differs from it (`!!binary`: decoded) or throws (`failure`). */
  readonly source?: string;
  /**
   * go-yaml's fatal decode error for this scalar (`!!binary value contains invalid base64 data`, `cannot
   * decode !!str \`abc\` as a !!int`): readers throw it when they decode the scalar, as go-yaml does.
   */
  readonly failure?: string;
}
export interface YamlSeq extends NodeBase {
  readonly kind: "seq";
  readonly items: readonly YamlNode[];
}
export interface YamlEntry {
  readonly key: string;
  readonly keyLine: number;
  readonly value: YamlNode;
  /** The key is a YAML null (`~`, `null`, `!!null`): go-yaml decodes it as the zero value, "". */
  readonly isNullKey?: boolean;
  /** A tagged key's fatal decode error (see YamlScalar.failure), thrown when the map is decoded. */
  readonly keyFailure?: string;
}
export interface YamlMap extends NodeBase {
  readonly kind: "map";
  readonly entries: readonly YamlEntry[];
  /**
   * Keys a merge (`<<`) set again, or that were set again after a merge, with the line of the later value.
   * A struct takes the later value; a Go map in strict mode fails with `key "x" already set in map`.
   */
  readonly mergeConflicts?: readonly { readonly key: string; readonly line: number }[];
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
  const tagError = misplacedTagEnd(text);
  if (tagError !== undefined && (first === undefined || tagError.offset <= first.pos[0])) {
    const line = lineCounter.linePos(tagError.offset).line;
    // A `,`, `[` or `]` is part of the tag for libyaml (URI characters): the flow collection then lacks its
    // separator, a parser error (0-based line). Anything else ends the tag too early, a scanner error.
    const problem = tagError.swallowed === undefined
      ? `yaml: line ${line}: did not find expected whitespace or line break`
      : `yaml: ${line > 1 ? `line ${line - 1}: ` : ""}did not find expected ',' or '${tagError.swallowed}'`;
    throw new ConfigError(new ConfigLocation(file, line, ""), problem, "put a space after the tag (e.g. `!!null }`)");
  }
  if (first) {
    // For a nested compact mapping the yaml package points at the value; libyaml at the `:` after it.
    const colon = first.code === "BLOCK_AS_IMPLICIT_KEY" ? text.slice(first.pos[0]).search(/:(\s|$)/) : -1;
    const line = lineCounter.linePos(first.pos[0] + Math.max(colon, 0)).line;
    const message = first.message.split("\n")[0] ?? "";
    throw new ConfigError(new ConfigLocation(file, line, ""), goYamlSyntaxError(first.code, message, line, text), `fix the YAML syntax (${message})`);
  }
  if (doc.contents === null) return { ...NULL_SCALAR, line: 1 };
  try {
    return convert(doc, doc.contents as Node, lineCounter, file);
  } catch (error) {
    // convert() does not know the file name; put it on the location of its alias errors.
    if (error instanceof ConfigError && error.at.file === "") throw new ConfigError(new ConfigLocation(file, error.at.line, ""), error.problem, error.hint);
    throw error;
  }
}

/**
 * libyaml ends a tag only at white space (or, inside a flow collection, at a comma), so `{a: !!null}` is a
 * syntax error there while the `yaml` package accepts it. Returns the offset of the character that ends a tag
 * too early. Only tokens that look like tags (`!`, `!!int`, `!foo`, `!<…>`) are checked, with the `yaml`
 * package's lexer, so `!` inside scalars and comments never counts.
 */
function misplacedTagEnd(text: string): { offset: number; swallowed?: "}" | "]" } | undefined {
  if (!text.includes("!")) return undefined;
  let offset = 0;
  const flows: ("}" | "]")[] = [];
  for (const token of new Lexer().lex(text)) {
    if (token.length === 1 && token.charCodeAt(0) < 0x20 && token !== "\n" && token !== "\t") continue; // the lexer's own markers
    if (token === "{") flows.push("}");
    else if (token === "[") flows.push("]");
    else if (token === "}" || token === "]") flows.pop();
    else if (/^![^\s]*$/.test(token)) {
      const next = text[offset + token.length];
      if (next !== undefined && !/[ \t\r\n]/.test(next)) {
        const closer = flows.at(-1);
        return { offset: offset + token.length, ...(closer !== undefined && ",[]".includes(next) ? { swallowed: closer } : {}) };
      }
    }
    offset += token.length;
  }
  return undefined;
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

/**
 * go-yaml's guard against alias bombs ("billion laughs"): once more than 100 decodes came from alias
 * expansion and more than 1,000 in all, the share of alias-driven decodes may not exceed 99 % (small
 * documents) scaling down to 10 % (documents of 4,000,000 decodes). go-yaml counts while it decodes, so
 * only what a reader actually walks into counts: aliases are expanded lazily (AliasView) and counted when a
 * reader opens them, and an alias bomb under a key nobody reads costs nothing, as in Prometheus.
 */
class AliasBudget {
  decodes = 0;
  aliasDecodes = 0;

  constructor(readonly file: string) {}

  count(decodes: number, isInsideAlias: boolean, line: number): void {
    this.decodes += decodes;
    if (isInsideAlias) this.aliasDecodes += decodes;
    if (this.aliasDecodes > 100 && this.decodes > 1000 && this.aliasDecodes / this.decodes > allowedAliasRatio(this.decodes)) {
      throw new ConfigError(new ConfigLocation(this.file, line, ""), "yaml: document contains excessive aliasing", "use fewer aliases (*name), or write the repeated parts out");
    }
  }
}

function allowedAliasRatio(decodes: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodes <= low) return 0.99;
  if (decodes >= high) return 0.1;
  return 0.99 - 0.89 * ((decodes - low) / (high - low));
}

interface ConvertState {
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly file: string;
  readonly budget: AliasBudget;
  /** Every anchored node, converted once; aliases read these lazily. */
  readonly converted: Map<Node, YamlNode>;
}

function convert(doc: Document, node: Node, lines: LineCounter, file: string): YamlNode {
  return convertNode({ doc, lines, file, budget: new AliasBudget(file), converted: new Map() }, node);
}

function convertNode(state: ConvertState, node: Node): YamlNode {
  if (isAlias(node)) return convertAlias(state, node);
  const line = lineOf(node, state.lines);
  state.budget.count(1, false, line);
  const converted = convertValue(state, node, line);
  if ((node as { anchor?: string }).anchor !== undefined) state.converted.set(node, converted);
  return converted;
}

/** What an alias stands for until a reader opens it: the anchor and the alias node itself. */
interface AliasRef {
  readonly alias: Node & { source: string };
  readonly target: Node;
  /** Where the alias stands. */
  readonly line: number;
  /** Where the anchored value stands: go-yaml's type errors for an alias name that line. */
  readonly targetLine: number;
}

const ALIAS_REF = new WeakMap<YamlNode, AliasRef>();

function convertAlias(state: ConvertState, node: Node & { source: string }): YamlNode {
  const line = lineOf(node, state.lines);
  const target = (node as unknown as { resolve(doc: Document): Node | undefined }).resolve(state.doc);
  if (!target) {
    throw new ConfigError(new ConfigLocation("", line, ""), `yaml: unknown anchor '${node.source}' referenced`, "define the anchor (&name) before using it (*name)");
  }
  return aliasView(state, { alias: node, target, line, targetLine: lineOf(target, state.lines) }, new Set());
}

/**
 * The node an alias stands for, expanded lazily: its children are views too, created (and counted against
 * the alias budget) only when a reader opens them. `chain` holds the aliases being expanded around it: an
 * alias met again inside its own expansion is go-yaml's `anchor 'x' value contains itself`.
 */
function aliasView(state: ConvertState, ref: AliasRef, chain: ReadonlySet<Node>): YamlNode {
  const inner = new Set(chain).add(ref.alias);
  const kind = isMap(ref.target) ? "map" : isSeq(ref.target) ? "seq" : "scalar";
  const target = (): YamlNode => state.converted.get(ref.target) ?? { ...NULL_SCALAR, line: ref.line };
  if (chain.has(ref.alias)) return cycleNode(kind, ref, state.file);
  let view: YamlNode;
  if (kind === "scalar") {
    // An anchored scalar is converted before any alias to it can appear.
    view = { ...(target() as YamlScalar) };
  } else {
    view = lazyCollection(kind, ref.targetLine, () => target(), (child) => childView(state, child, inner));
  }
  ALIAS_REF.set(view, ref);
  return view;
}

/** A child met while expanding an alias: counted, and itself expanded lazily. */
function childView(state: ConvertState, child: YamlNode, chain: ReadonlySet<Node>): YamlNode {
  state.budget.count(1, true, child.line);
  const ref = ALIAS_REF.get(child);
  if (ref !== undefined) return aliasView(state, ref, chain);
  if (child.kind === "scalar") return child;
  return lazyCollection(child.kind, child.line, () => child, (grandchild) => childView(state, grandchild, chain));
}

function lazyCollection(kind: "map" | "seq", line: number, source: () => YamlNode, view: (child: YamlNode) => YamlNode): YamlNode {
  let children: YamlEntry[] | YamlNode[] | undefined;
  const node = { kind, line } as YamlNode;
  Object.defineProperty(node, kind === "map" ? "entries" : "items", {
    enumerable: true,
    get: () => {
      const from = source();
      if (kind === "map") children ??= (from.kind === "map" ? from.entries : []).map((entry) => ({ ...entry, value: view(entry.value) }));
      else children ??= (from.kind === "seq" ? from.items : []).map(view);
      return children;
    },
  });
  return node;
}

function cycleNode(kind: "map" | "seq" | "scalar", ref: AliasRef, file: string): YamlNode {
  const fail = (): never => {
    throw new ConfigError(new ConfigLocation(file, ref.line, ""), `yaml: anchor '${ref.alias.source}' value contains itself`, "an alias (*name) cannot stand inside the value it names");
  };
  if (kind === "scalar") return { ...NULL_SCALAR, line: ref.line };
  const node = { kind, line: ref.line } as YamlNode;
  Object.defineProperty(node, kind === "map" ? "entries" : "items", { enumerable: true, get: fail });
  return node;
}

function convertValue(state: ConvertState, node: Node, line: number): YamlNode {
  if (isScalar(node)) return convertScalar(node, line, state.file);
  if (isSeq(node)) {
    // Tags on collections (`!!seq`, `!!map`, `!foo`) are ignored by go-yaml's decoder.
    return { kind: "seq", items: node.items.map((item) => convertNode(state, item as Node)), line };
  }
  if (isMap(node)) {
    // go-yaml decodes a map's keys in document order and a merge (`<<`) decodes the merged map(s) into the
    // same value at that point: for a struct the later write wins, merged or not; for a Go map (label sets)
    // strict mode rejects a key set twice, which `mergeConflicts` records for those readers.
    const entries: (YamlEntry & { isMerged?: true })[] = [];
    const conflicts: { key: string; line: number }[] = [];
    const setFromMerge = (entry: YamlEntry): void => {
      const at = entries.findIndex((e) => e.key === entry.key);
      if (at < 0) entries.push({ ...entry, isMerged: true });
      else {
        entries[at] = { ...entry, isMerged: true };
        conflicts.push({ key: entry.key, line: entry.value.line });
      }
    };
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? convertScalar(keyNode, lineOf(keyNode, state.lines), state.file) : undefined;
      const value: YamlNode = pair.value ? convertNode(state, pair.value as Node) : { ...NULL_SCALAR, line };
      if (key && isMergeKey(keyNode as Node & { type?: string }, key)) {
        // Of a list of merged maps the earlier ones win (go-yaml merges them last to first).
        const sources = value.kind === "seq" ? value.items : [value];
        const block = new Map<string, YamlEntry>();
        for (const source of sources) {
          if (source.kind !== "map") throw new ConfigError(new ConfigLocation(state.file, value.line, ""), "yaml: map merge requires map or sequence of maps as the value", "merge (<<) only maps, e.g. <<: *base");
          for (const entry of source.entries) if (!block.has(entry.key)) block.set(entry.key, entry);
        }
        for (const entry of block.values()) setFromMerge(entry);
        continue;
      }
      const keyLine = keyNode ? lineOf(keyNode, state.lines) : line;
      // A null key keeps its spelling (`~`, `null`) as its text and is flagged: go-yaml decodes it as "".
      const keyText = key === undefined ? "" : key.isNull ? rawText(keyNode as Node) : key.text;
      const entry: YamlEntry = { key: keyText, keyLine, value, ...(key?.isNull ? { isNullKey: true } : {}), ...(key?.failure === undefined ? {} : { keyFailure: key.failure }) };
      const mergedAt = entries.findIndex((e) => e.key === keyText && e.isMerged === true);
      if (mergedAt >= 0) {
        entries[mergedAt] = entry;
        conflicts.push({ key: keyText, line: value.line });
      } else {
        entries.push(entry); // an explicit key written twice stays twice: MapReader reports it
      }
    }
    const plain = entries.map(({ isMerged: _isMerged, ...entry }) => entry);
    return { kind: "map", entries: plain, line, ...(conflicts.length > 0 ? { mergeConflicts: conflicts } : {}) };
  }
  return { ...NULL_SCALAR, line };
}

/** A scalar's text as written (the decoded content for quoted and block scalars). */
function rawText(node: Node & { source?: unknown; value?: unknown }): string {
  return typeof node.source === "string" ? node.source : node.value === null || node.value === undefined ? "" : String(node.value);
}

/** go-yaml's isMerge: the plain, untagged `<<`, or any `<<` tagged `!!merge`. */
function isMergeKey(keyNode: Node & { type?: string }, key: YamlScalar): boolean {
  return key.text === "<<" && ((key.tag === undefined && keyNode.type === "PLAIN") || key.tag === "!!merge");
}

function convertScalar(node: Node & { type?: string; source?: unknown; value?: unknown; tag?: string }, line: number, file: string): YamlScalar {
  const isQuoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" || node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
  const raw = rawText(node);
  const tag = node.tag === undefined ? "" : shortTag(node.tag);
  const resolved = resolveScalar(raw, tag, isQuoted);
  const tagged = tag === "" ? {} : { tag };
  if (resolved.kind === "binary") {
    const decoded = decodeGoBase64(raw);
    if (decoded === undefined) return failing({ kind: "scalar", text: raw, isNull: false, isQuoted, line, ...tagged, source: raw }, "yaml: !!binary value contains invalid base64 data", file);
    return { kind: "scalar", text: decoded, isNull: false, isQuoted, line, ...tagged, source: raw };
  }
  const isNull = resolved.kind === "null";
  const scalar: YamlScalar = { kind: "scalar", text: isNull ? "" : raw, isNull, isQuoted, line, ...tagged };
  return resolved.failure === undefined ? scalar : failing({ ...scalar, source: raw }, resolved.failure, file);
}

/**
 * Marks a scalar whose decoding fails in go-yaml: `failure` says why, and reading `text` throws it (with the
 * file and line), so no reader can take the value by accident; readers that know the YAML path throw it
 * themselves first (scalarText).
 */
function failing(scalar: YamlScalar, failure: string, file: string): YamlScalar {
  const node = { ...scalar, failure };
  Object.defineProperty(node, "text", {
    enumerable: true,
    get: () => {
      throw tagFailure(failure, new ConfigLocation(file, scalar.line, ""));
    },
  });
  return node;
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
      // go-yaml's type errors print the explicit tag when one was written, else the resolved one.
      return node.tag ?? (node.isNull ? "!!null" : resolveScalar(node.text, "", node.isQuoted).tag);
  }
}

/** The resolved type of a scalar (what go-yaml would store in an interface{}), for typed fields. */
export function scalarKind(node: YamlScalar): ResolvedScalar {
  if (node.isNull) return { kind: "null", tag: "!!null" };
  return resolveScalar(node.text, node.tag === "!!binary" ? "!!str" : node.tag ?? "", node.isQuoted);
}

/** The text type errors show: what was written (`!!binary` values undecoded). */
export function shownText(node: YamlScalar): string {
  return node.source ?? node.text;
}

/** The text of a scalar decoded into a string field; throws go-yaml's fatal error for a bad tagged value. */
export function scalarText(node: YamlScalar, at: ConfigLocation): string {
  if (node.failure !== undefined) throw tagFailure(node.failure, at);
  return node.text;
}

/** The ConfigError for a YamlScalar.failure or YamlEntry.keyFailure, located where it was found. */
export function tagFailure(failure: string, at: ConfigLocation): ConfigError {
  const hint = failure.includes("base64") ? "a !!binary value must be valid base64 (padded, standard alphabet)" : "remove the tag or write a value of that type";
  return new ConfigError(at, failure, hint);
}
