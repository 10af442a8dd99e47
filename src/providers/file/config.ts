/** `file_sd_configs` (spec file.md 1): path patterns and the refresh interval. */
import { isAbsolute, join } from "node:path/posix";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, typeError, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { goQuote } from "../../model/go-quote.js";
import type { NameValidationScheme } from "../../model/labels.js";

export interface FileSdConfig {
  /** Patterns after joining relative ones with the config directory; these strings become `__meta_filepath`. */
  readonly files: readonly string[];
  readonly refreshIntervalMs: number;
  /** Label-name rule for the groups in the files: utf8 in v3, legacy in 2.42 (core.md 1.3). */
  readonly scheme: NameValidationScheme;
}

export const FILE_SD_DEFAULTS = Object.freeze({ refreshIntervalMs: 5 * 60_000 });

/**
 * Prometheus's `patFileSDName`: ends in .json/.yml/.yaml (all lower or all upper case), and a `*` may only
 * appear in the last path segment (file.md 1.1). Checked on the pattern as written, before joining.
 */
const FILE_SD_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** Parses one `file_sd_configs` element; throws ConfigError with Prometheus's messages. */
export function parseFileSdConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): FileSdConfig {
  const reader = MapReader.open(node, at, "file.plain");
  const patterns = readFiles(reader);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? FILE_SD_DEFAULTS.refreshIntervalMs;
  reader.finish();
  if (patterns.length === 0) {
    throw new ConfigError(reader.atKey("files"), "file service discovery config must contain at least one path name", "list at least one file or pattern under `files`");
  }
  for (const pattern of patterns) {
    if (!FILE_SD_PATTERN.test(pattern)) {
      throw new ConfigError(
        reader.atKey("files"),
        `path name ${goQuote(pattern)} is not valid for file discovery`,
        "end it in .json, .yml or .yaml; a * may only appear in the file name, not in a directory",
      );
    }
  }
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then crashes when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "5m"');
  }
  return {
    files: patterns.map((pattern) => joinConfigDir(ctx.configDir, pattern)),
    refreshIntervalMs,
    scheme: ctx.profile === "v2.42" ? "legacy" : "utf8",
  };
}

/** `files` as []string: null elements read as "" (and then fail the pattern check), others must be scalars. */
function readFiles(reader: MapReader): string[] {
  const node = reader.node("files");
  if (node === undefined || (node.kind === "scalar" && node.isNull)) return [];
  const at = reader.atKey("files");
  if (node.kind !== "seq") throw typeError(node, at, "[]string");
  return node.items.map((item, i) => {
    if (item.kind !== "scalar") throw typeError(item, at.index(i, item.line), "string");
    return item.text;
  });
}

/** Prometheus's config.JoinDir: absolute paths verbatim, relative ones joined and lexically cleaned. */
export function joinConfigDir(dir: string, path: string): string {
  if (path === "" || isAbsolute(path)) return path;
  return join(dir === "" ? "." : dir, path);
}
