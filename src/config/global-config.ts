/**
 * The `global` section (spec core.md 5.1): scrape interval/timeout defaults and their rules, external label
 * validation, and the job defaults that later Prometheus versions added. Keys unknown to 2.42 are not read
 * under that profile, so strict reading rejects them as `field <k> not found in type config.plain`.
 */
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { isValidLabelName, type LabelSet, type NameValidationScheme } from "../model/labels.js";
import type { Profile } from "../profile.js";
import type { ConfigLocation } from "../yaml/location.js";
import { MapReader } from "./reader.js";
import type { GlobalConfig } from "./types.js";
import type { YamlNode } from "../yaml/yaml-node.js";

/** Prometheus's DefaultGlobalConfig. */
export const DEFAULT_GLOBAL = Object.freeze({ scrapeIntervalMs: 60_000, scrapeTimeoutMs: 10_000, evaluationIntervalMs: 60_000 });

/** Key-value limits shared by `global` (v3) and every scrape config. */
export const LIMIT_KEYS: readonly string[] = ["sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit", "target_limit"];

/** Parses `global`; an absent or null section yields the defaults (Prometheus restores them too). */
export function parseGlobalConfig(node: YamlNode | undefined, at: ConfigLocation, profile: Profile): GlobalConfig {
  const reader = MapReader.open(node, at, "config.plain");
  const isV3 = profile === "v3";
  const scheme = isV3 ? parseValidationScheme(reader, "metric_name_validation_scheme") ?? "utf8" : "legacy";
  const externalLabels = readExternalLabels(reader, scheme);
  let scrapeIntervalMs = reader.duration("scrape_interval", profile) ?? 0;
  const explicitTimeoutMs = reader.duration("scrape_timeout", profile) ?? 0;
  reader.duration("evaluation_interval", profile);
  reader.string("query_log_file");
  let keepDroppedTargets = 0;
  let histograms = { scrapeNativeHistograms: false, alwaysScrapeClassicHistograms: false, convertClassicHistogramsToNhcb: false };
  if (isV3) {
    keepDroppedTargets = reader.count("keep_dropped_targets") ?? 0;
    histograms = {
      scrapeNativeHistograms: reader.bool("scrape_native_histograms") ?? false,
      alwaysScrapeClassicHistograms: reader.bool("always_scrape_classic_histograms") ?? false,
      convertClassicHistogramsToNhcb: reader.bool("convert_classic_histograms_to_nhcb") ?? false,
    };
    readV3ScrapeExtras(reader);
    reader.duration("rule_query_offset", profile);
    for (const key of LIMIT_KEYS) reader.count(key);
  }
  reader.finish();
  if (scrapeIntervalMs === 0) scrapeIntervalMs = DEFAULT_GLOBAL.scrapeIntervalMs;
  if (explicitTimeoutMs > scrapeIntervalMs) {
    throw new ConfigError(reader.atKey("scrape_timeout"), "global scrape timeout greater than scrape interval", "lower global.scrape_timeout or raise global.scrape_interval");
  }
  const scrapeTimeoutMs = explicitTimeoutMs !== 0 ? explicitTimeoutMs : Math.min(DEFAULT_GLOBAL.scrapeTimeoutMs, scrapeIntervalMs);
  return { scrapeIntervalMs, scrapeTimeoutMs, keepDroppedTargets, metricNameValidationScheme: scheme, externalLabels, ...histograms };
}

/** `metric_name_validation_scheme`: utf8, legacy or empty (= inherit → undefined). */
export function parseValidationScheme(reader: MapReader, key: string): NameValidationScheme | undefined {
  const text = reader.string(key) ?? "";
  if (text === "") return undefined;
  if (text === "utf8" || text === "legacy") return text;
  throw new ConfigError(reader.atKey(key), `unrecognized ValidationScheme: ${goQuote(text)}`, `write "utf8" or "legacy"`);
}

/** v3 scrape keys that exist both in `global` and in scrape configs and that promsd only validates. */
export function readV3ScrapeExtras(reader: MapReader): void {
  reader.stringList("scrape_protocols");
  reader.string("scrape_failure_log_file");
  reader.string("metric_name_escaping_scheme");
  readBodySizeLimit(reader, "body_size_limit");
  reader.node("extra_scrape_metrics");
}

/** `body_size_limit` in the syntax of Go's units.ParseBase2Bytes (`10MB`, `1GiB`, `1MB512KB`, `0`). */
export function readBodySizeLimit(reader: MapReader, key: string): void {
  const text = reader.string(key);
  if (text === undefined || text === "") return;
  // ParseBase2Bytes tries the IEC units first, then the old ones, and reports the second failure.
  if (unitsError(text, BASE2_UNITS) === undefined) return;
  const problem = unitsError(text, OLD_UNITS);
  if (problem !== undefined) throw new ConfigError(reader.atKey(key), problem, "write a size such as 10MB or 512KiB");
}

const BASE2_UNITS: ReadonlySet<string> = new Set(["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]);
const OLD_UNITS: ReadonlySet<string> = new Set(["B", "KB", "MB", "GB", "TB", "PB", "EB"]);

/** Go's units.ParseUnit grammar `[-+]?([0-9]*(\.[0-9]*)?[a-zA-Z]+)+`; returns its error text, if any. */
function unitsError(original: string, units: ReadonlySet<string>): string | undefined {
  let rest = /^[-+]/.test(original) ? original.slice(1) : original;
  if (rest === "0") return undefined;
  if (rest === "") return `units: invalid ${original}`;
  while (rest !== "") {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2] ?? "";
    if (!/^[0-9.]/.test(rest) || (whole === "" && fraction === "")) return `units: invalid ${original}`;
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    rest = rest.slice(unit.length);
    if (!units.has(unit)) return `units: unknown unit ${unit} in ${original}`;
  }
  return undefined;
}

function readExternalLabels(reader: MapReader, scheme: NameValidationScheme): LabelSet {
  const labels = reader.stringMap("external_labels") ?? new Map<string, string>();
  const out: Record<string, string> = {};
  for (const [name, value] of labels) {
    const at = reader.atKey("external_labels").key(name);
    if (!isValidLabelName(name, scheme)) throw new ConfigError(at, `${goQuote(name)} is not a valid label name`, labelNameHint(scheme));
    if (!value.isWellFormed()) throw new ConfigError(at, `${goQuote(value)} is not a valid label value`, "use valid UTF-8");
    if (value !== "") out[name] = value;
  }
  return out;
}

/** The hint for an invalid label name under `scheme`. */
export function labelNameHint(scheme: NameValidationScheme): string {
  return scheme === "legacy" ? "label names must match [a-zA-Z_][a-zA-Z0-9_]*" : "label names must be non-empty UTF-8";
}
