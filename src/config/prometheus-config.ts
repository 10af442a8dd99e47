/**
 * Loading prometheus.yml (spec core.md 5): strict YAML with Prometheus's messages, defaults filled in,
 * both profiles. Three entry points share one builder: a file path, YAML text, or a plain JS object (for
 * library users). Every failure is a ConfigError naming file, line and YAML path; its `problem` is the text
 * Prometheus prints after `parsing YAML file <file>: `.
 *
 * Order of checks, as in Prometheus: every section is decoded in document order (scrape configs one by one,
 * each finishing its own checks; go-yaml's type errors are collected, see ./type-errors.ts), then the
 * config-level checks run: rule file patterns, scrape config file patterns, per job null entry, interval and
 * timeout defaults and duplicate names, then remote_write/remote_read null entries and duplicate names;
 * then (v3) the jobs of `scrape_config_files`.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { DEFAULT_PROFILE, type Profile } from "../profile.js";
import { parseGlobalConfig } from "./global-config.js";
import { ConfigLocation } from "../yaml/location.js";
import { checkRemoteLists, checkRuleFilePatterns, decodeIgnoredSection, IGNORED_SECTION_KEYS, V3_SECTION_KEYS } from "./other-sections.js";
import { MapReader, typeError, type ParseContext } from "./reader.js";
import { maskSecrets } from "./render.js";
import { decodeScrapeConfigFile, expandScrapeConfigFiles, prefixWithFile, validateScrapeConfigFilePatterns } from "./scrape-config-files.js";
import { decodeScrapeConfig, finishScrapeConfigs, type ScrapeConfigEntry } from "./scrape-config.js";
import { TypeErrorCollector } from "./type-errors.js";
import type { ConfigWarning, GlobalConfig, PrometheusConfig, ScrapeConfig } from "./types.js";
import { parseYaml, yamlNodeFromValue, type YamlNode } from "../yaml/yaml-node.js";

export interface LoadOptions {
  /** Which Prometheus to mimic; default v3. */
  readonly profile?: Profile;
}

/** Reads and parses a prometheus.yml. Relative paths inside resolve against the file's directory. */
export async function loadConfigFile(path: string, options: LoadOptions = {}): Promise<PrometheusConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : error instanceof Error ? error.message : String(error);
    throw new ConfigError(ConfigLocation.root(path), `open ${path}: ${reason}`, "check the --config.file path", { cause: error });
  }
  return parseConfigText(text, path, options);
}

/** Parses prometheus.yml text; `file` names it in errors and gives the directory relative paths join. */
export function parseConfigText(text: string, file: string, options: LoadOptions = {}): PrometheusConfig {
  const document = parseYaml(text, file);
  return buildConfig(document, file, { configDir: dirname(file), profile: options.profile ?? DEFAULT_PROFILE });
}

/**
 * Validates a config given as a JS value shaped like prometheus.yml (`{ scrape_configs: [{ job_name: … }] }`).
 * Numbers and booleans are taken as their text, as YAML scalars would be. Errors name the file `<object>`.
 */
export function configFromObject(value: unknown, options: { profile?: Profile; configDir?: string } = {}): PrometheusConfig {
  return buildConfig(yamlNodeFromValue(value), "<object>", { configDir: options.configDir ?? process.cwd(), profile: options.profile ?? DEFAULT_PROFILE });
}

function buildConfig(document: YamlNode, file: string, ctx: ParseContext): PrometheusConfig {
  const reader = MapReader.open(document, ConfigLocation.root(file), "config.plain");
  const globalAt = reader.atKey("global");
  let globalError: unknown;
  let global: GlobalConfig;
  try {
    global = parseGlobalConfig(reader.node("global"), globalAt, ctx.profile);
  } catch (error) {
    // Reported when decoding reaches `global` in document order (a scrape config above it may fail first).
    globalError = error;
    global = parseGlobalConfig(undefined, globalAt, ctx.profile);
  }
  const warnings: ConfigWarning[] = [];
  const typeErrors = new TypeErrorCollector();
  let entries: ScrapeConfigEntry[] = [];
  let ruleFiles: string[] = [];
  let patterns: string[] = [];
  const decoders = new Map<string, () => void>([
    ["global", () => { if (globalError !== undefined) throw globalError; }],
    ["scrape_configs", () => { entries = decodeScrapeConfigs(reader, { ctx, global, file, warnings }, typeErrors); }],
    ["rule_files", () => { ruleFiles = reader.stringList("rule_files") ?? []; }],
    ...IGNORED_SECTION_KEYS.map((key): [string, () => void] => [key, () => decodeIgnoredSection(key, reader, ctx)]),
  ]);
  if (ctx.profile === "v3") {
    decoders.set("scrape_config_files", () => { patterns = reader.stringList("scrape_config_files") ?? []; });
    for (const key of V3_SECTION_KEYS) decoders.set(key, () => decodeIgnoredSection(key, reader, ctx));
  }
  for (const key of reader.keys()) {
    const decode = decoders.get(key);
    if (decode) typeErrors.run(decode);
  }
  typeErrors.run(() => reader.finish());
  typeErrors.throwIfAny();
  checkRuleFilePatterns(ruleFiles, reader.atKey("rule_files"));
  validateScrapeConfigFilePatterns(patterns, reader.atKey("scrape_config_files"));
  const seen = new Map<string, string>();
  const scrapeConfigs = finishScrapeConfigs(entries, global, {
    seen,
    origin: "main config file",
    duplicate: (job) => `found multiple scrape configs with job name ${goQuote(job)}`,
  });
  checkRemoteLists(reader);
  scrapeConfigs.push(...loadIncludedJobs(expandScrapeConfigFiles(patterns, ctx.configDir), { ctx, global, warnings, seen }));
  return { file, profile: ctx.profile, global, scrapeConfigs, warnings, document: maskSecrets(document) };
}

/** Decodes each entry on its own, so a type error in one does not hide errors in the next (go-yaml). */
function decodeScrapeConfigs(reader: MapReader, options: Parameters<typeof decodeScrapeConfig>[2], typeErrors: TypeErrorCollector): ScrapeConfigEntry[] {
  const node = reader.node("scrape_configs");
  if (node === undefined || (node.kind === "scalar" && node.isNull)) return [];
  if (node.kind !== "seq") throw typeError(node, reader.atKey("scrape_configs"), "[]*config.ScrapeConfig");
  const items = reader.list("scrape_configs", "[]*config.ScrapeConfig") ?? [];
  return items.flatMap((item): ScrapeConfigEntry[] => {
    if (item.value.kind === "scalar" && item.value.isNull) return [{ nullAt: item.at }];
    const draft = typeErrors.run(() => decodeScrapeConfig(item.value, item.at, options));
    return draft ? [draft] : [];
  });
}

interface IncludeOptions {
  readonly ctx: ParseContext;
  readonly global: GlobalConfig;
  readonly warnings: ConfigWarning[];
  readonly seen: Map<string, string>;
}

/** Jobs of `scrape_config_files` (core.md 5.4), checked against every job name defined before them. */
function loadIncludedJobs(files: readonly string[], options: IncludeOptions): ScrapeConfig[] {
  return files.flatMap((file) => {
    const drafts = decodeScrapeConfigFile(file, { profile: options.ctx.profile, global: options.global, warnings: options.warnings });
    try {
      return finishScrapeConfigs(drafts, options.global, {
        seen: options.seen,
        origin: goQuote(file),
        duplicate: (job, first) => `found multiple scrape configs with job name ${goQuote(job)}, first found in ${first}`,
      });
    } catch (error) {
      throw prefixWithFile(error, file);
    }
  });
}
