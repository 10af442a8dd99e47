/**
 * Top-level sections promsd does not act on (spec core.md 5): `rule_files`, `alerting`, `remote_write`,
 * `remote_read`, `storage`, `tracing` and (v3) `runtime`, `otlp`. Prometheus rejects a config with a bad
 * section, so these are validated shallowly: their own keys strictly, nested values only where Prometheus's
 * message is known (null entries, missing URLs, duplicate names, relabel rules, HTTP client blocks).
 */
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { parseRelabelConfigs } from "../relabel/config.js";
import { parseHttpClientConfig } from "./http-client.js";
import { MapReader, type Located, type ParseContext } from "./reader.js";
import type { YamlNode } from "./yaml-node.js";

/** Prometheus's patRulePath: a `*` may only appear in the last path element. */
const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

export function validateRuleFiles(reader: MapReader): void {
  const patterns = reader.stringList("rule_files") ?? [];
  for (const pattern of patterns) {
    if (!RULE_PATH.test(pattern)) throw new ConfigError(reader.atKey("rule_files"), `invalid rule file path ${goQuote(pattern)}`, "only the last path element may contain *");
  }
}

/** Validates every section of the top-level `reader` that promsd ignores; `finish()` stays the caller's. */
export function validateIgnoredSections(reader: MapReader, ctx: ParseContext): void {
  validateAlerting(reader.map("alerting", "config.plain"), ctx);
  validateRemote(reader.list("remote_write") ?? [], ctx, REMOTE_WRITE);
  validateRemote(reader.list("remote_read") ?? [], ctx, REMOTE_READ);
  consumeKeys(reader.map("storage", "config.StorageConfig"), ["tsdb", "exemplars"]);
  consumeKeys(reader.map("tracing", "config.plain"), ["endpoint", "sampling_fraction", "insecure", "tls_config", "headers", "compression", "timeout", "client_type"]);
  if (ctx.profile === "v3") {
    // Options that change often between 3.x releases; accepted as a whole, not checked key by key.
    reader.node("runtime");
    reader.node("otlp");
  }
}

function consumeKeys(reader: MapReader | undefined, keys: readonly string[]): void {
  if (!reader) return;
  for (const key of keys) reader.node(key);
  reader.finish();
}

function nonNullItems(items: readonly Located<YamlNode>[], nullProblem: string): Located<YamlNode>[] {
  const nullItem = items.find((item) => item.value.kind === "scalar" && item.value.isNull);
  if (nullItem) throw new ConfigError(nullItem.at, nullProblem, "remove the empty list entry");
  return [...items];
}

function checkRules(items: readonly Located<YamlNode>[], ctx: ParseContext, nullProblem: string): void {
  parseRelabelConfigs(nonNullItems(items, nullProblem), { profile: ctx.profile, scheme: ctx.profile === "v3" ? "utf8" : "legacy" }, "metric");
}

function validateAlerting(reader: MapReader | undefined, ctx: ParseContext): void {
  if (!reader) return;
  checkRules(reader.list("alert_relabel_configs") ?? [], ctx, "empty or null alert relabeling rule");
  for (const item of reader.list("alertmanagers") ?? []) {
    if (item.value.kind === "scalar" && item.value.isNull) {
      // 2.42 crashes on this (nil pointer in SetDirectory); reject it cleanly instead.
      throw new ConfigError(item.at, "empty or null alertmanager config section", "remove the empty list entry");
    }
    validateAlertmanager(MapReader.open(item.value, item.at, "config.plain"), ctx);
  }
  reader.finish();
}

function validateAlertmanager(reader: MapReader, ctx: ParseContext): void {
  parseHttpClientConfig(reader, ctx);
  for (const key of ["scheme", "path_prefix", "api_version"]) reader.string(key);
  reader.duration("timeout", ctx.profile);
  reader.node("sigv4");
  checkRules(reader.list("relabel_configs") ?? [], ctx, "empty or null Alertmanager target relabeling rule");
  if (ctx.profile === "v3") checkRules(reader.list("alert_relabel_configs") ?? [], ctx, "empty or null Alertmanager alert relabeling rule");
  // Discovery for Alertmanagers is not promsd's job; the blocks are accepted as written.
  for (const key of reader.keys()) if (key === "static_configs" || key.endsWith("_sd_configs")) reader.node(key);
  reader.finish();
}

interface RemoteKind {
  readonly name: "remote_write" | "remote_read";
  readonly keys: readonly string[];
  readonly v3Keys: readonly string[];
  readonly rulesKey: string | undefined;
}

const REMOTE_WRITE: RemoteKind = {
  name: "remote_write",
  keys: ["remote_timeout", "headers", "name", "send_exemplars", "send_native_histograms", "sigv4", "queue_config", "metadata_config"],
  v3Keys: ["azuread", "google_iam", "protobuf_message", "round_robin_dns"],
  rulesKey: "write_relabel_configs",
};

const REMOTE_READ: RemoteKind = {
  name: "remote_read",
  keys: ["remote_timeout", "headers", "name", "read_recent", "required_matchers", "filter_external_labels"],
  v3Keys: [],
  rulesKey: undefined,
};

function validateRemote(items: readonly Located<YamlNode>[], ctx: ParseContext, kind: RemoteKind): void {
  const label = kind.name === "remote_write" ? "write" : "read";
  const names = new Set<string>();
  for (const item of nonNullItems(items, `empty or null remote ${label} config section`)) {
    const reader = MapReader.open(item.value, item.at, "config.plain");
    const url = reader.string("url") ?? "";
    for (const key of kind.keys) reader.node(key);
    if (ctx.profile === "v3") for (const key of kind.v3Keys) reader.node(key);
    if (kind.rulesKey) checkRules(reader.list(kind.rulesKey) ?? [], ctx, "empty or null relabeling rule in remote write config");
    parseHttpClientConfig(reader, ctx);
    reader.finish();
    if (url === "") throw new ConfigError(reader.atKey("url"), `url for ${kind.name} is empty`, "add url");
    const name = nameOf(reader);
    if (name !== "" && names.has(name)) {
      throw new ConfigError(reader.atKey("name"), `found multiple remote ${label} configs with job name ${goQuote(name)}`, "names must be unique");
    }
    names.add(name);
  }
}

function nameOf(reader: MapReader): string {
  const node = reader.node("name");
  return node?.kind === "scalar" ? node.text : "";
}

