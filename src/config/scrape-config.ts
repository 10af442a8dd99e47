/**
 * One `scrape_configs` entry (spec core.md 5.2, 2.1, 5.5), read in two phases like Prometheus:
 * `decodeScrapeConfig` does what ScrapeConfig.UnmarshalYAML does (keys, relabel rules, SD configs,
 * job_name, HTTP client checks, the static hostname check, null rules), and `finishScrapeConfigs` does what
 * Config.UnmarshalYAML does afterwards (interval/timeout defaults and checks, duplicate job names).
 */
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import type { NameValidationScheme } from "../model/labels.js";
import type { ProviderDefinition, SdConfig } from "../providers/provider.js";
import { builtinProviders, KNOWN_SD_CONFIG_KEYS } from "../providers/index.js";
import { checkStaticHostnames, mergeStaticConfigs, type StaticConfig } from "../providers/static/config.js";
import { staticProvider } from "../providers/static/provider.js";
import { parseRelabelConfigs } from "../relabel/config.js";
import { LIMIT_KEYS, parseValidationScheme, readBodySizeLimit, readV3ScrapeExtras } from "./global-config.js";
import { readHttpClientConfig } from "./http-client.js";
import type { ConfigLocation } from "../yaml/location.js";
import { MapReader, typeError, type Located, type ParseContext } from "./reader.js";
import type { ConfigWarning, GlobalConfig, ScrapeConfig } from "./types.js";
import { scalarText, type YamlNode } from "../yaml/yaml-node.js";

/** SD keys the Debian 2.42 build rejects as unknown fields (core.md 5.3): missing there, or 3.x-only. */
const MISSING_IN_2_42 = new Set([
  "aws_sd_configs", "consul_sd_configs", "ecs_sd_configs", "elasticache_sd_configs", "kubernetes_sd_configs",
  "kuma_sd_configs", "linode_sd_configs", "msk_sd_configs", "nomad_sd_configs", "oci_sd_configs",
  "outscale_sd_configs", "rds_sd_configs", "stackit_sd_configs",
]);

export const RELABEL_LIST_TYPE = "[]*relabel.Config";

/** Go element types whose name does not follow `<mechanism>.SDConfig`. */
const IRREGULAR_SD_TYPES: Readonly<Record<string, string>> = {
  static: "targetgroup.Group", serverset: "zookeeper.ServersetSDConfig", nerve: "zookeeper.NerveSDConfig",
  ec2: "aws.EC2SDConfig", lightsail: "aws.LightsailSDConfig", ecs: "aws.ECSSDConfig", msk: "aws.MSKSDConfig",
  elasticache: "aws.ElasticacheSDConfig", rds: "aws.RDSSDConfig", docker: "moby.DockerSDConfig",
  dockerswarm: "moby.DockerSwarmSDConfig", kuma: "xds.KumaSDConfig",
};

/** The Go list type go-yaml names when a `*_sd_configs` value is not a list (`[]*file.SDConfig`). */
export function sdListType(key: string): string {
  const name = key.replace(/_sd_configs$|_configs$/, "");
  return `[]*${IRREGULAR_SD_TYPES[name] ?? `${name}.SDConfig`}`;
}

/** A decoded scrape config before the global defaults are applied (0 = interval/timeout not written). */
export interface ScrapeConfigDraft extends Omit<ScrapeConfig, "scrapeIntervalMs" | "scrapeTimeoutMs"> {
  readonly explicitIntervalMs: number;
  readonly explicitTimeoutMs: number;
  readonly timeoutAt: ConfigLocation;
}

export interface DecodeOptions {
  readonly ctx: ParseContext;
  readonly global: GlobalConfig;
  readonly file: string;
  /** Findings that do not fail loading are appended here. */
  readonly warnings: ConfigWarning[];
}

/** Decodes one scrape config; throws ConfigError with Prometheus's message as `problem`. */
export function decodeScrapeConfig(node: YamlNode, at: ConfigLocation, options: DecodeOptions): ScrapeConfigDraft {
  const { ctx, global } = options;
  const isV3 = ctx.profile === "v3";
  const reader = MapReader.open(node, at, "config.ScrapeConfig");
  const jobName = reader.string("job_name") ?? "";
  const scheme: NameValidationScheme = isV3 ? parseValidationScheme(reader, "metric_name_validation_scheme") ?? global.metricNameValidationScheme : "legacy";
  const relabel = splitNullItems(reader.list("relabel_configs", RELABEL_LIST_TYPE) ?? []);
  const metricRelabel = splitNullItems(reader.list("metric_relabel_configs", RELABEL_LIST_TYPE) ?? []);
  const relabelOptions = { profile: ctx.profile, scheme };
  const relabelConfigs = parseRelabelConfigs(relabel.items, relabelOptions, "target");
  const metricRelabelConfigs = parseRelabelConfigs(metricRelabel.items, relabelOptions, "metric");
  const scalars = readScalarKeys(reader, ctx, global);
  const http = readHttpClientConfig(reader, ctx);
  const sdKeys = claimSdKeys(reader, ctx.profile);
  reader.finish();
  const { sdConfigs, staticConfig } = decodeSdConfigs(reader, sdKeys, ctx, (key) => {
    options.warnings.push({
      at: reader.atKey(key),
      jobName,
      message: `scrape config ${goQuote(jobName)}: ${key} is not implemented by promsd yet; it contributes no targets`,
    });
  });
  if (jobName === "") throw new ConfigError(reader.atKey("job_name"), "job_name is empty", "give the job a name");
  const httpClient = http.validate();
  if (relabel.count === 0 && staticConfig) checkStaticHostnames(staticConfig.config as StaticConfig, staticConfig.at);
  if (relabel.nullAt) throw new ConfigError(relabel.nullAt, "empty or null target relabeling rule in scrape config", "remove the empty list entry");
  if (metricRelabel.nullAt) throw new ConfigError(metricRelabel.nullAt, "empty or null metric relabeling rule in scrape config", "remove the empty list entry");
  return {
    jobName,
    at,
    file: options.file,
    ...scalars,
    timeoutAt: reader.atKey("scrape_timeout"),
    metricNameValidationScheme: scheme,
    relabelConfigs,
    metricRelabelConfigs,
    httpClient,
    sdConfigs: staticConfig ? [...sdConfigs, staticConfig] : sdConfigs,
  };
}

export function splitNullItems(items: readonly Located<YamlNode>[]): { items: Located<YamlNode>[]; count: number; nullAt: ConfigLocation | undefined } {
  const isNull = (item: Located<YamlNode>): boolean => item.value.kind === "scalar" && item.value.isNull;
  return { items: items.filter((item) => !isNull(item)), count: items.length, nullAt: items.find(isNull)?.at };
}

type ScalarKeys = Pick<
  ScrapeConfigDraft,
  "explicitIntervalMs" | "explicitTimeoutMs" | "scheme" | "metricsPath" | "params" | "honorLabels" | "honorTimestamps" | "keepDroppedTargets"
  | "scrapeNativeHistograms" | "alwaysScrapeClassicHistograms" | "convertClassicHistogramsToNhcb"
>;

function readScalarKeys(reader: MapReader, ctx: ParseContext, global: GlobalConfig): ScalarKeys {
  const isV3 = ctx.profile === "v3";
  const values: ScalarKeys = {
    explicitIntervalMs: reader.duration("scrape_interval", ctx.profile) ?? 0,
    explicitTimeoutMs: reader.duration("scrape_timeout", ctx.profile) ?? 0,
    scheme: writtenString(reader, "scheme", "http"),
    metricsPath: writtenString(reader, "metrics_path", "/metrics"),
    params: readParams(reader),
    honorLabels: reader.bool("honor_labels") ?? false,
    honorTimestamps: writtenBool(reader, "honor_timestamps", true),
    keepDroppedTargets: isV3 ? reader.count("keep_dropped_targets") ?? global.keepDroppedTargets : 0,
    scrapeNativeHistograms: isV3 ? reader.bool("scrape_native_histograms") ?? global.scrapeNativeHistograms : false,
    alwaysScrapeClassicHistograms: isV3 ? reader.bool("always_scrape_classic_histograms") ?? global.alwaysScrapeClassicHistograms : false,
    convertClassicHistogramsToNhcb: isV3 ? reader.bool("convert_classic_histograms_to_nhcb") ?? global.convertClassicHistogramsToNhcb : false,
  };
  for (const key of LIMIT_KEYS) reader.count(key);
  readBodySizeLimit(reader, "body_size_limit");
  if (isV3) {
    readV3ScrapeExtras(reader);
    reader.count("native_histogram_bucket_limit");
    reader.string("native_histogram_min_bucket_factor");
    reader.string("fallback_scrape_protocol");
    reader.bool("enable_compression");
    reader.bool("track_timestamps_staleness");
  }
  return values;
}

/** go-yaml sets a written null to the zero value, overriding Prometheus's default. */
function writtenString(reader: MapReader, key: string, fallback: string): string {
  return reader.isWritten(key) ? reader.string(key) ?? "" : fallback;
}

function writtenBool(reader: MapReader, key: string, fallback: boolean): boolean {
  return reader.isWritten(key) ? reader.bool(key) ?? false : fallback;
}

/** `params`: Go url.Values, a map of string → list of strings, in file order. */
function readParams(reader: MapReader): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const node = reader.node("params");
  if (node === undefined || (node.kind === "scalar" && node.isNull)) return out;
  const at = reader.atKey("params");
  if (node.kind !== "map") throw typeError(node, at, "url.Values");
  for (const entry of node.entries) {
    const entryAt = at.key(entry.key, entry.keyLine);
    const value = entry.value;
    if (value.kind === "scalar" && value.isNull) {
      out.set(entry.key, []);
      continue;
    }
    if (value.kind !== "seq") throw typeError(value, entryAt, "[]string");
    out.set(entry.key, value.items.map((item, i) => {
      if (item.kind !== "scalar") throw typeError(item, entryAt.index(i, item.line), "string");
      return scalarText(item, entryAt.index(i, item.line));
    }));
  }
  return out;
}

/**
 * Marks every SD key of `reader` that this profile knows as read (they are decoded after the strict key
 * check, as Prometheus does) and returns them sorted; keys the profile lacks stay unread, so `finish()`
 * rejects them as unknown fields.
 */
export function claimSdKeys(reader: MapReader, profile: ParseContext["profile"]): string[] {
  const keys = reader.keys().filter((key) => key === "static_configs" || (key.endsWith("_sd_configs") && !(profile === "v2.42" && MISSING_IN_2_42.has(key))));
  for (const key of keys) reader.node(key);
  return keys.sort();
}

/**
 * SD configs in Prometheus's order (core.md 2.1): keys alphabetically, each list in file order; static
 * entries merged into one config returned separately (it goes last). Known keys without a provider are
 * passed to `onUnimplemented` and contribute nothing; other unknown `*_sd_configs` keys are errors.
 */
export function decodeSdConfigs(
  reader: MapReader,
  keys: readonly string[],
  ctx: ParseContext,
  onUnimplemented: (key: string) => void,
): { sdConfigs: SdConfig[]; staticConfig: SdConfig | undefined } {
  const sdConfigs: SdConfig[] = [];
  let staticConfig: SdConfig | undefined;
  for (const key of keys) {
    const items = reader.list(key, sdListType(key)) ?? [];
    const provider = key === "static_configs" ? staticProvider : builtinProviders.find((p) => p.configKey === key);
    const nullItem = items.find((item) => item.value.kind === "scalar" && item.value.isNull);
    if (!provider) {
      if (!KNOWN_SD_CONFIG_KEYS.includes(key)) throw unknownSdKey(reader, key);
      if (nullItem) throw nullSection(nullItem.at, key);
      onUnimplemented(key);
      continue;
    }
    const parsed = items.map((item) => {
      if (item.value.kind === "scalar" && item.value.isNull) throw nullSection(item.at, key);
      return { provider: provider.name, config: parseWith(provider, item, ctx), at: item.at };
    });
    if (key === "static_configs") {
      const merged = mergeStaticConfigs(parsed.map((p) => p.config as StaticConfig));
      if (parsed.length > 0) staticConfig = { provider: staticProvider.name, config: merged, at: reader.atKey(key) };
    } else {
      sdConfigs.push(...parsed);
    }
  }
  return { sdConfigs, staticConfig };
}

function parseWith(provider: ProviderDefinition<unknown>, item: Located<YamlNode>, ctx: ParseContext): unknown {
  return provider.parseConfig(item.value, item.at, ctx);
}

function nullSection(at: ConfigLocation, key: string): ConfigError {
  return new ConfigError(at, `empty or null section in ${key}`, "remove the empty list entry");
}

function unknownSdKey(reader: MapReader, key: string): ConfigError {
  const at = reader.atKey(key);
  return new ConfigError(at, `yaml: unmarshal errors:\n  line ${at.line}: field ${key} not found in type ${reader.typeName}`, "this service discovery mechanism does not exist in this Prometheus version");
}

/** How `finishScrapeConfigs` records and reports job names (the main file and each included file differ). */
export interface JobNameRegistry {
  /** Job name → where it was first defined ("main config file" or a quoted file name). */
  readonly seen: Map<string, string>;
  /** What to record for jobs of this batch. */
  readonly origin: string;
  readonly duplicate: (job: string, firstOrigin: string) => string;
}

/** A `scrape_configs` entry as decoded: a draft, or a null entry (reported by the config-level loop). */
export type ScrapeConfigEntry = ScrapeConfigDraft | { readonly nullAt: ConfigLocation };

/**
 * Applies global defaults and Prometheus's config-level checks to every job, in order: null entry,
 * interval default, `scrape timeout greater than scrape interval…`, timeout default
 * min(global timeout, interval), and duplicate job names.
 */
export function finishScrapeConfigs(entries: readonly ScrapeConfigEntry[], global: GlobalConfig, names: JobNameRegistry): ScrapeConfig[] {
  return entries.map((entry) => {
    if ("nullAt" in entry) throw new ConfigError(entry.nullAt, "empty or null scrape config section", "remove the empty list entry");
    const { explicitIntervalMs, explicitTimeoutMs, timeoutAt, ...rest } = entry;
    const scrapeIntervalMs = explicitIntervalMs || global.scrapeIntervalMs;
    if (explicitTimeoutMs > scrapeIntervalMs) {
      throw new ConfigError(timeoutAt, `scrape timeout greater than scrape interval for scrape config with job name ${goQuote(entry.jobName)}`, "lower scrape_timeout or raise scrape_interval");
    }
    const scrapeTimeoutMs = explicitTimeoutMs || Math.min(global.scrapeTimeoutMs, scrapeIntervalMs);
    const first = names.seen.get(entry.jobName);
    if (first !== undefined) throw new ConfigError(entry.at.key("job_name"), names.duplicate(entry.jobName, first), "job names must be unique; rename one of the jobs");
    names.seen.set(entry.jobName, names.origin);
    return { ...rest, scrapeIntervalMs, scrapeTimeoutMs };
  });
}
