/**
 * Reading one file_sd file into target groups (file.md 3): format by the lower-cased extension, groups
 * numbered `<path>:<i>`, `__meta_filepath` set last so it overrides the file's own. Errors carry the text
 * Prometheus logs (`open x.json: no such file or directory`, `json: unknown field "target"`, …).
 */
import { open, type FileHandle } from "node:fs/promises";
import { extname } from "node:path/posix";
import { Parser } from "yaml";
import { parseYaml } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { ADDRESS_LABEL, withLabel, type NameValidationScheme } from "../../model/labels.js";
import { decodeGroupsJson, decodeGroupsYaml, GroupDecodeError, type DecodedGroup } from "../../model/target-group-codec.js";
import type { TargetGroup } from "../../model/target-group.js";

export const META_FILEPATH_LABEL = "__meta_filepath";

export interface FileContent {
  readonly groups: TargetGroup[];
  /** Modification time in whole Unix seconds, for `prometheus_sd_file_mtime_seconds`. */
  readonly mtimeSeconds: number;
}

/** Reads and decodes `path`; rejects with an Error whose message is Prometheus's `err` text. */
export async function readGroupsFile(path: string, scheme: NameValidationScheme): Promise<FileContent> {
  let bytes: Buffer;
  let mtimeMs: number;
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new Error(`open ${path}: ${goErrno(error)}`, { cause: error });
  }
  try {
    bytes = await handle.readFile();
    mtimeMs = (await handle.stat()).mtimeMs;
  } catch (error) {
    throw new Error(`read ${path}: ${goErrno(error)}`, { cause: error });
  } finally {
    await handle.close();
  }
  const decoded = decodeFile(path, bytes, scheme);
  return { groups: decoded.map((group, i) => toTargetGroup(path, i, group)), mtimeSeconds: Math.floor(mtimeMs / 1000) };
}

/** Decodes file content by extension; throws GroupDecodeError. Exported for tests and the CLI. */
export function decodeFile(path: string, bytes: Buffer, scheme: NameValidationScheme): DecodedGroup[] {
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return decodeGroupsJson(bytes, scheme); // bytes, as Go's decoder sees them
  if (ext === ".yml" || ext === ".yaml") return decodeGroupsYaml(parseFirstYamlDocument(bytes.toString("utf8"), path), scheme);
  throw new GroupDecodeError(`unknown file extension ${JSON.stringify(ext)}`); // unreachable after config validation
}

export function toTargetGroup(path: string, index: number, group: DecodedGroup): TargetGroup {
  return {
    source: `${path}:${index}`,
    labels: withLabel(group.labels, META_FILEPATH_LABEL, path), // decoded labels are canonical already
    targets: group.targets.map((address) => ({ [ADDRESS_LABEL]: address })),
  };
}

/**
 * go-yaml reads only the first document of a stream and accepts a byte-order mark; `parseYaml` rejects both
 * multi-document text and a BOM, so cut the text before the second document and drop the BOM (line numbers
 * stay the same). Syntax errors become go-yaml-shaped `yaml: line N: …` messages.
 */
function parseFirstYamlDocument(raw: string, path: string): ReturnType<typeof parseYaml> {
  const text = raw.startsWith("\ufeff") ? raw.slice(1) : raw;
  let end = text.length;
  let documents = 0;
  // Only a line starting with a document marker can start a second document; skip the extra pass otherwise.
  const tokens = /^(---|\.\.\.)/m.test(text) ? new Parser().parse(text) : [];
  for (const token of tokens) {
    if (token.type === "document" && ++documents === 2) {
      end = token.offset;
      break;
    }
  }
  try {
    return parseYaml(text.slice(0, end), path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // `problem` is already go-yaml's text with go-yaml's line (`yaml: line 1: did not find expected ',' or ']'`).
    throw new GroupDecodeError(error.problem, { cause: error });
  }
}

const GO_ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
};

/** Go's syscall.Errno text for the common cases, Node's message otherwise. */
export function goErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code; // Node fs errors carry `code`
  return (code !== undefined ? GO_ERRNO_TEXT[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
}
