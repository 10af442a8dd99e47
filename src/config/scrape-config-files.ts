/**
 * `scrape_config_files` (spec core.md 5.4, v3 only): glob patterns, relative to the main file's directory,
 * naming files that hold `scrape_configs:` only. Their jobs are validated with the main file's `global`,
 * their relative paths resolve against their own directory, and a job name may be defined only once across
 * the main file and every included file.
 *
 * Globbing follows Go's filepath.Glob (`*`, `?`, `[...]`, `\` escapes in any path element; results sorted
 * per directory; a pattern without metacharacters matches the file if it exists).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, sep } from "node:path";
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { resolveConfigPath } from "./http-client.js";
import { ConfigLocation } from "../yaml/location.js";
import { MapReader } from "./reader.js";
import { decodeScrapeConfig, type DecodeOptions, type ScrapeConfigDraft } from "./scrape-config.js";
import { parseYaml } from "../yaml/yaml-node.js";

const PATTERN_PATH = /^[^*]*(\*[^/]*)?$/;

/** Checks every pattern the way Prometheus does at load (`invalid scrape config file path "<p>"`). */
export function validateScrapeConfigFilePatterns(patterns: readonly string[], at: ConfigLocation): void {
  for (const pattern of patterns) {
    if (!PATTERN_PATH.test(pattern) || pattern.split("/").some((part) => globToRegExp(part) === undefined)) {
      throw new ConfigError(at, `invalid scrape config file path ${goQuote(pattern)}`, "only the last path element may contain *, and [ ] must be balanced");
    }
  }
}

/** The files matched by `patterns` (resolved against `configDir`), in pattern order, each sorted. */
export function expandScrapeConfigFiles(patterns: readonly string[], configDir: string): string[] {
  return patterns.flatMap((pattern) => glob(resolveConfigPath(pattern, configDir)));
}

/** Reads and decodes every job of one included file; errors are prefixed with the quoted file name. */
export function decodeScrapeConfigFile(file: string, options: Omit<DecodeOptions, "file" | "ctx"> & { readonly profile: DecodeOptions["ctx"]["profile"] }): ScrapeConfigDraft[] {
  try {
    const text = readFileSync(file, "utf8");
    const root = parseYaml(text, file);
    const reader = MapReader.open(root, ConfigLocation.root(file), "config.ScrapeConfigs");
    const items = reader.list("scrape_configs", "[]*config.ScrapeConfig") ?? [];
    reader.finish();
    const ctx = { configDir: dirname(file), profile: options.profile };
    return items.map((item) => {
      if (item.value.kind === "scalar" && item.value.isNull) throw new ConfigError(item.at, "empty or null scrape config section", "remove the empty list entry");
      return decodeScrapeConfig(item.value, item.at, { ...options, ctx, file });
    });
  } catch (error) {
    throw prefixWithFile(error, file);
  }
}

/** Re-raises a ConfigError with Prometheus's `"<file>": ` prefix; other errors become ConfigErrors too. */
export function prefixWithFile(error: unknown, file: string): ConfigError {
  if (error instanceof ConfigError) {
    const lead = `${error.at.describe()}: ${error.problem}`;
    const hint = error.message.startsWith(lead) ? error.message.slice(lead.length).replace(/^; /, "") : "";
    return new ConfigError(error.at, `${goQuote(file)}: ${error.problem}`, hint, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConfigError(ConfigLocation.root(file), `${goQuote(file)}: ${message}`, "check that the file exists and is readable", { cause: error });
}

function glob(pattern: string): string[] {
  const absolute = isAbsolute(pattern);
  const parts = pattern.split(sep).filter((part, i) => part !== "" || i === 0);
  let current = [absolute ? sep : ""];
  for (const part of absolute ? parts.slice(1) : parts) {
    const matcher = hasMeta(part) ? globToRegExp(part) : undefined;
    const next: string[] = [];
    for (const dir of current) {
      if (!matcher) {
        next.push(dir === "" ? part : join(dir, part));
        continue;
      }
      for (const name of listDir(dir === "" ? "." : dir).sort()) if (matcher.test(name)) next.push(dir === "" ? name : join(dir, name));
    }
    current = next;
  }
  return current.filter((path) => path !== "" && exists(path));
}

function hasMeta(part: string): boolean {
  return /[*?[\\]/.test(part);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Go filepath.Match syntax for one path element as a RegExp; undefined when the pattern is malformed. */
export function globToRegExp(part: string): RegExp | undefined {
  let out = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i] ?? "";
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "\\") {
      const next = part[++i];
      if (next === undefined) return undefined;
      out += escapeRegExp(next);
    } else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) return undefined;
      let body = part.slice(i + 1, end);
      const negated = body.startsWith("^");
      if (negated) body = body.slice(1);
      if (body === "") return undefined;
      out += `[${negated ? "^" : ""}${body.replace(/[\]\\^]/g, "\\$&")}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  try {
    return new RegExp(`^${out}$`, "u");
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
