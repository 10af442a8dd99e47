/**
 * The effective configuration as YAML, for `/api/v1/status/config` (spec core.md 5.7): the document as
 * written, with Prometheus's defaults filled in for `global` and every scrape config, relabel rules shown
 * with their defaults, and every secret shown as `<secret>` (an empty secret is omitted).
 *
 * Secrets never reach this module: `maskSecrets` runs at load time, and PrometheusConfig.document only ever
 * holds the masked tree. Masking goes by key name (every `<secret>` field of core.md 5.7), so a key that is
 * secret in one block is masked in every block: it errs on the side of hiding.
 */
import { formatDuration } from "../config/duration.js";
import { redactUrlPassword } from "./secret.js";
import { relabelConfigToJson } from "../relabel/display.js";
import type { CompiledRule } from "../relabel/types.js";
import type { PrometheusConfig, ScrapeConfig } from "./types.js";
import { yamlNodeFromValue, type YamlEntry, type YamlMap, type YamlNode } from "../yaml/yaml-node.js";

/** Keys whose scalar value (or list of values) is a secret in some Prometheus block. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  "password", "credentials", "bearer_token", "client_secret", "client_certificate_key", "key", "secret_key",
  "token", "auth_token", "application_credential_secret", "application_secret", "consumer_key",
  "service_account_key", "private_key", "key_passphrase", "secrets",
]);
/** Maps whose every value is secret (header name → secret values). */
const SECRET_VALUE_MAPS: ReadonlySet<string> = new Set(["proxy_connect_header"]);

const MASK = "<secret>";

/** A copy of `node` with every secret value replaced by `<secret>`; empty secrets are dropped. */
export function maskSecrets(node: YamlNode): YamlNode {
  switch (node.kind) {
    case "scalar":
      // A password written into a URL is shown as `xxxxx`, as Prometheus displays URLs.
      return node.text === redactUrlPassword(node.text) ? node : { ...node, text: redactUrlPassword(node.text) };
    case "seq":
      return { ...node, items: node.items.map(maskSecrets) };
    case "map":
      return { ...node, entries: node.entries.flatMap(maskEntry) };
  }
}

function maskEntry(entry: YamlEntry): YamlEntry[] {
  if (SECRET_VALUE_MAPS.has(entry.key) && entry.value.kind === "map") {
    return [{ ...entry, value: { ...entry.value, entries: entry.value.entries.map((e) => ({ ...e, value: maskValue(e.value) })) } }];
  }
  if (!SECRET_KEYS.has(entry.key) || entry.value.kind === "map") return [{ ...entry, value: maskSecrets(entry.value) }];
  const masked = maskValue(entry.value);
  return masked.kind === "scalar" && masked.isNull ? [] : [{ ...entry, value: masked }];
}

function maskValue(node: YamlNode): YamlNode {
  if (node.kind === "seq") return { ...node, items: node.items.map(maskValue) };
  if (node.kind === "map") return maskSecrets(node);
  if (node.isNull || node.text === "") return { ...node, isNull: true, text: "" };
  return { kind: "scalar", text: MASK, isNull: false, isQuoted: false, line: node.line };
}

/** Renders the effective configuration as YAML; never contains a secret value. */
export function renderConfigYaml(config: PrometheusConfig): string {
  const document = config.document.kind === "map" ? config.document : { kind: "map" as const, entries: [], line: 0 };
  const entries: YamlEntry[] = [{ key: "global", keyLine: 0, value: renderGlobal(config, lookup(document, "global")) }];
  for (const entry of document.entries) {
    if (entry.key === "global") continue;
    if (entry.key === "scrape_configs") entries.push({ ...entry, value: renderScrapeConfigs(config, entry.value) });
    else entries.push(entry);
  }
  return emit({ kind: "map", entries, line: 0 }, 0).join("\n") + "\n";
}

function lookup(node: YamlNode | undefined, key: string): YamlNode | undefined {
  return node?.kind === "map" ? node.entries.find((e) => e.key === key)?.value : undefined;
}

/** The defaults in their display order (a written value replaced by the effective one), then the rest as written. */
function withDefaults(written: YamlNode | undefined, defaults: readonly [string, YamlNode][]): YamlMap {
  const own = written?.kind === "map" ? written.entries : [];
  const fixedKeys = new Set(defaults.map(([key]) => key));
  const filled = defaults.map(([key, value]) => ({ key, keyLine: 0, value }));
  return { kind: "map", entries: [...filled, ...own.filter((e) => !fixedKeys.has(e.key))], line: 0 };
}

function scalar(text: string): YamlNode {
  return { kind: "scalar", text, isNull: false, isQuoted: false, line: 0 };
}

function renderGlobal(config: PrometheusConfig, written: YamlNode | undefined): YamlMap {
  const evaluation = lookup(written, "evaluation_interval");
  return withDefaults(written, [
    ["scrape_interval", scalar(formatDuration(config.global.scrapeIntervalMs))],
    ["scrape_timeout", scalar(formatDuration(config.global.scrapeTimeoutMs))],
    ["evaluation_interval", evaluation && !(evaluation.kind === "scalar" && evaluation.isNull) ? evaluation : scalar("1m")],
  ]);
}

function renderScrapeConfigs(config: PrometheusConfig, written: YamlNode): YamlNode {
  if (written.kind !== "seq") return written;
  return { ...written, items: written.items.map((item, i) => {
    const job = config.scrapeConfigs[i];
    return job ? renderScrapeConfig(job, item) : item;
  }) };
}

function renderScrapeConfig(job: ScrapeConfig, written: YamlNode): YamlMap {
  const defaults: [string, YamlNode][] = [
    ["job_name", scalar(job.jobName)],
    ["honor_timestamps", scalar(String(job.honorTimestamps ?? true))],
    ["scrape_interval", scalar(formatDuration(job.scrapeIntervalMs))],
    ["scrape_timeout", scalar(formatDuration(job.scrapeTimeoutMs))],
    ["metrics_path", scalar(job.metricsPath)],
    ["scheme", scalar(job.scheme)],
    ["follow_redirects", scalar(String(job.httpClient?.followRedirects ?? true))],
    ["enable_http2", scalar(String(job.httpClient?.enableHttp2 ?? true))],
  ];
  if (job.relabelConfigs.length > 0) defaults.push(["relabel_configs", renderRules(job.relabelConfigs)]);
  if (job.metricRelabelConfigs && job.metricRelabelConfigs.length > 0) defaults.push(["metric_relabel_configs", renderRules(job.metricRelabelConfigs)]);
  return withDefaults(written, defaults);
}

function renderRules(rules: readonly CompiledRule[]): YamlNode {
  return yamlNodeFromValue(rules.map((rule) => relabelConfigToJson(rule.config)));
}

/** A minimal block-style YAML emitter; scalars are written plain when that reads back the same text. */
function emit(node: YamlNode, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (node.kind === "scalar") return [quote(node.text, node.isNull)];
  if (node.kind === "seq") {
    if (node.items.length === 0) return ["[]"];
    return node.items.flatMap((item) => {
      const lines = emit(item, indent + 2);
      if (item.kind === "scalar" || isEmptyCollection(item)) return [`${pad}- ${lines[0] ?? ""}`];
      return [`${pad}- ${(lines[0] ?? "").trimStart()}`, ...lines.slice(1)];
    });
  }
  if (node.entries.length === 0) return ["{}"];
  return node.entries.flatMap(({ key, value }) => {
    const head = `${pad}${quote(key, false)}:`;
    if (value.kind === "scalar") return [value.isNull ? head : `${head} ${quote(value.text, false)}`];
    if (isEmptyCollection(value)) return [`${head} ${value.kind === "seq" ? "[]" : "{}"}`];
    return [head, ...emit(value, value.kind === "seq" ? indent : indent + 2)];
  });
}

function isEmptyCollection(node: YamlNode): boolean {
  return (node.kind === "seq" && node.items.length === 0) || (node.kind === "map" && node.entries.length === 0);
}

function quote(text: string, isNull: boolean): string {
  if (isNull) return "null";
  const plainSafe = /^[^\s'"#&*!|>%@`{}[\],?:\-~][^\n]*$/.test(text) && !/: |\s#|\s$|:$/.test(text) && !/^(null|Null|NULL)$/.test(text);
  return plainSafe || text === "-" ? (text === "-" ? '"-"' : text) : JSON.stringify(text);
}

/**
 * The YAML the user wrote at `path` (a ConfigLocation path such as `scrape_configs[2].consul_sd_configs[0]`),
 * secrets masked as in renderConfigYaml; undefined when the path does not name a node. For the UI, which
 * shows each provider's config as written rather than promsd's parsed form.
 */
export function renderYamlAt(config: PrometheusConfig, path: string): string | undefined {
  let node: YamlNode | undefined = config.document;
  for (const [, name, index, quoted] of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (node === undefined) return undefined;
    if (index !== undefined) node = node.kind === "seq" ? node.items[Number(index)] : undefined;
    else node = lookup(node, name ?? (JSON.parse(quoted ?? '""') as string));
  }
  if (node === undefined) return undefined;
  const lines = emit(node, 0);
  return `${node.kind === "scalar" ? lines.join("") : lines.join("\n")}\n`;
}
