/**
 * Top-level sections promsd does not act on (spec core.md 5): `rule_files`, `alerting`, `remote_write`,
 * `remote_read`, `storage`, `tracing` and (v3) `runtime`, `otlp`. Prometheus rejects a config with a bad
 * section, so these are validated shallowly: their own keys strictly, nested values only where Prometheus's
 * message is known (null entries, missing URLs, duplicate names, relabel rules, HTTP client blocks).
 */
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { parseRelabelConfigs } from "../relabel/config.js";
import { goUrlParseError, readHttpClientConfig } from "./http-client.js";
import type { ConfigLocation } from "../yaml/location.js";
import { MapReader, typeError, type Located, type ParseContext } from "./reader.js";
import { checkStaticHostnames, type StaticConfig } from "../providers/static/config.js";
import { claimSdKeys, decodeSdConfigs, RELABEL_LIST_TYPE, splitNullItems } from "./scrape-config.js";
import { goYamlTag, type YamlNode } from "../yaml/yaml-node.js";

/** Prometheus's patRulePath: a `*` may only appear in the last path element. */
const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/** Config-level check of `rule_files` patterns (after decoding, as Prometheus does). */
export function checkRuleFilePatterns(patterns: readonly string[], at: ConfigLocation): void {
  for (const pattern of patterns) {
    if (!RULE_PATH.test(pattern)) throw new ConfigError(at, `invalid rule file path ${goQuote(pattern)}`, "only the last path element may contain *");
  }
}

/** The top-level sections this module decodes. */
export const IGNORED_SECTION_KEYS: readonly string[] = ["alerting", "remote_write", "remote_read", "storage", "tracing"];
/** Top-level sections that exist only in 3.x. */
export const V3_SECTION_KEYS: readonly string[] = ["runtime", "otlp"];

/** Decodes one top-level section promsd ignores (decode-time checks only; see `checkRemoteLists`). */
export function decodeIgnoredSection(key: string, reader: MapReader, ctx: ParseContext): void {
  switch (key) {
    case "alerting":
      return validateAlerting(reader.map("alerting", "config.plain"), ctx);
    case "remote_write":
    case "remote_read":
      for (const item of reader.list(key, key === "remote_write" ? "[]*config.RemoteWriteConfig" : "[]*config.RemoteReadConfig") ?? []) {
        if (!(item.value.kind === "scalar" && item.value.isNull)) decodeRemote(item, ctx, key === "remote_write" ? "write" : "read");
      }
      return;
    case "storage":
      return validateStorage(reader.map("storage", "config.StorageConfig"), ctx);
    case "tracing":
      return validateTracing(reader.map("tracing", "config.plain"), ctx);
    case "runtime":
    case "otlp":
      // Options that change often between 3.x releases; accepted as a whole, not checked key by key.
      if (ctx.profile === "v3") reader.node(key);
      return;
  }
}

/** Config-level checks of `remote_write` then `remote_read`: null entries and duplicate names. */
export function checkRemoteLists(reader: MapReader): void {
  for (const kind of ["write", "read"] as const) {
    const names = new Set<string>();
    for (const item of reader.list(`remote_${kind}`) ?? []) {
      if (item.value.kind === "scalar" && item.value.isNull) throw new ConfigError(item.at, `empty or null remote ${kind} config section`, "remove the empty list entry");
      const nameEntry = item.value.kind === "map" ? item.value.entries.find((e) => e.key === "name") : undefined;
      const name = nameEntry?.value.kind === "scalar" ? nameEntry.value.text : "";
      if (name !== "" && names.has(name)) {
        throw new ConfigError(item.at.key("name", nameEntry?.keyLine), `found multiple remote ${kind} configs with job name ${goQuote(name)}`, "names must be unique");
      }
      names.add(name);
    }
  }
}

function validateStorage(reader: MapReader | undefined, ctx: ParseContext): void {
  if (!reader) return;
  const tsdb = reader.map("tsdb", "config.plain");
  if (tsdb) {
    tsdb.duration("out_of_order_time_window", ctx.profile);
    // 3.x keeps adding TSDB options; accepted as written there.
    if (ctx.profile === "v3") for (const key of tsdb.keys()) tsdb.node(key);
    tsdb.finish();
  }
  const exemplars = reader.map("exemplars", "config.ExemplarsConfig");
  exemplars?.int("max_exemplars");
  exemplars?.finish();
  reader.finish();
}

const TRACING_AUTH_HEADER = "custom authorization header configuration is not yet supported";

function validateTracing(reader: MapReader | undefined, ctx: ParseContext): void {
  if (!reader) return;
  const endpoint = reader.string("endpoint") ?? "";
  const clientType = reader.string("client_type");
  if (clientType !== undefined && clientType !== "http" && clientType !== "grpc") {
    throw new ConfigError(reader.atKey("client_type"), `expected tracing client type to be to be http or grpc, but got ${clientType}`, "write http or grpc");
  }
  const fraction = reader.node("sampling_fraction");
  const isNumber = fraction?.kind === "scalar" && (fraction.isNull || ["!!float", "!!int"].includes(goYamlTag(fraction)));
  if (fraction && !isNumber) throw typeError(fraction, reader.atKey("sampling_fraction"), "float64");
  const checkHeaders = readHeaders(reader, TRACING_AUTH_HEADER);
  reader.bool("insecure");
  reader.duration("timeout", ctx.profile);
  const compression = reader.string("compression") ?? "";
  const tls = reader.map("tls_config", "config.plain");
  if (tls) for (const key of ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version", "max_version", ...(ctx.profile === "v3" ? ["ca", "cert", "key"] : [])]) tls.node(key);
  tls?.finish();
  reader.finish();
  checkHeaders();
  if (endpoint === "") throw new ConfigError(reader.atKey("endpoint"), "tracing endpoint must be set", "add endpoint or remove the tracing section");
  if (compression !== "" && compression !== "gzip") throw new ConfigError(reader.atKey("compression"), `invalid compression type ${compression} provided, valid options: gzip`, "write gzip");
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
  const rules = splitNullItems(reader.list("alert_relabel_configs", RELABEL_LIST_TYPE) ?? []);
  checkRules(rules.items, ctx, "");
  for (const item of reader.list("alertmanagers", "[]*config.AlertmanagerConfig") ?? []) {
    if (item.value.kind === "scalar" && item.value.isNull) {
      // 2.42 crashes on this (nil pointer in SetDirectory); reject it cleanly instead.
      throw new ConfigError(item.at, "empty or null alertmanager config section", "remove the empty list entry");
    }
    validateAlertmanager(MapReader.open(item.value, item.at, "config.AlertmanagerConfig"), ctx);
  }
  reader.finish();
  if (rules.nullAt) throw new ConfigError(rules.nullAt, "empty or null alert relabeling rule", "remove the empty list entry");
}

function validateAlertmanager(reader: MapReader, ctx: ParseContext): void {
  const apiVersion = reader.string("api_version");
  const supported = ctx.profile === "v3" ? ["v2"] : ["v1", "v2"];
  if (apiVersion !== undefined && !supported.includes(apiVersion)) {
    throw new ConfigError(reader.atKey("api_version"), `expected Alertmanager api version to be one of [${supported.join(" ")}] but got ${apiVersion}`, `write ${supported.join(" or ")}`);
  }
  for (const key of ["scheme", "path_prefix"]) reader.string(key);
  reader.duration("timeout", ctx.profile);
  const hasSigV4 = ctx.profile === "v3" && reader.node("sigv4") !== undefined; // 2.43+
  const relabel = splitNullItems(reader.list("relabel_configs", RELABEL_LIST_TYPE) ?? []);
  checkRules(relabel.items, ctx, "");
  if (ctx.profile === "v3") checkRules(reader.list("alert_relabel_configs", RELABEL_LIST_TYPE) ?? [], ctx, "empty or null Alertmanager alert relabeling rule");
  const pendingHttp = readHttpClientConfig(reader, ctx);
  const sdKeys = claimSdKeys(reader, ctx.profile);
  reader.finish();
  // Alertmanager discovery is not promsd's job: the blocks are validated, never run, and not warned about.
  const { staticConfig } = decodeSdConfigs(reader, sdKeys, ctx, () => undefined);
  const http = pendingHttp.validate();
  if (hasSigV4 && (http.basicAuth || http.authorization || http.oauth2)) {
    throw new ConfigError(reader.atKey("sigv4"), "at most one of basic_auth, authorization, oauth2, & sigv4 must be configured", "use a single authentication method");
  }
  if (relabel.count === 0 && staticConfig) checkStaticHostnames(staticConfig.config as StaticConfig, staticConfig.at);
  if (relabel.nullAt) throw new ConfigError(relabel.nullAt, "empty or null Alertmanager target relabeling rule", "remove the empty list entry");
}

/** Headers Prometheus sets itself on remote requests (config.reservedHeaders). */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
  "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
  "x-prometheus-remote-write-version", "x-prometheus-remote-read-version", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
]);

/** Reads `headers` (map of string → string) and applies Prometheus's header checks. */
function readHeaders(reader: MapReader, authorizationProblem: string): () => void {
  const headers = reader.stringMap("headers") ?? new Map<string, string>();
  return () => {
    for (const name of headers.keys()) {
      const at = reader.atKey("headers").key(name);
      if (name.toLowerCase() === "authorization") throw new ConfigError(at, authorizationProblem, "use the basic_auth, authorization or oauth2 block");
      if (RESERVED_HEADERS.has(name.toLowerCase())) throw new ConfigError(at, `${name} is a reserved header. It must not be changed`, "remove the header");
    }
  };
}

const REMOTE_AUTH_HEADER = "authorization header must be changed via the basic_auth, authorization, oauth2, or sigv4 parameter";

function readUrl(reader: MapReader, key: string): string {
  const url = reader.string(key) ?? "";
  const problem = url === "" ? undefined : goUrlParseError(url);
  if (problem) throw new ConfigError(reader.atKey(key), problem, "write a URL such as http://host:port/path");
  return url;
}

function decodeRemote(item: Located<YamlNode>, ctx: ParseContext, kind: "write" | "read"): void {
  const reader = MapReader.open(item.value, item.at, "config.plain");
  const url = readUrl(reader, "url");
  reader.duration("remote_timeout", ctx.profile);
  reader.string("name");
  const checkHeaders = readHeaders(reader, REMOTE_AUTH_HEADER);
  const rules = kind === "write" ? splitNullItems(reader.list("write_relabel_configs", RELABEL_LIST_TYPE) ?? []) : undefined;
  if (rules) checkRules(rules.items, ctx, "");
  const hasSigV4 = kind === "write" && readSigV4(reader);
  if (kind === "write") readRemoteWriteExtras(reader, ctx);
  else readRemoteReadExtras(reader);
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  // Read before the checks below, as go-yaml decodes the whole entry first; validated afterwards.
  const pendingHttp = readHttpClientConfig(reader, ctx);
  reader.finish();
  if (url === "") fail("url", `url for remote_${kind} is empty`, "add url");
  if (rules?.nullAt) fail("write_relabel_configs", "empty or null relabeling rule in remote write config", "remove the empty list entry");
  checkHeaders();
  const http = pendingHttp.validate();
  if (hasSigV4 && (http.basicAuth || http.authorization || http.oauth2)) {
    fail("sigv4", "at most one of basic_auth, authorization, oauth2, & sigv4 must be configured", "use a single authentication method");
  }
}

function readSigV4(reader: MapReader): boolean {
  const sigv4 = reader.map("sigv4", "sigv4.plain");
  if (!sigv4) return false;
  for (const key of ["region", "access_key", "profile", "role_arn"]) sigv4.string(key);
  sigv4.secret("secret_key");
  sigv4.finish();
  return true;
}

function readRemoteWriteExtras(reader: MapReader, ctx: ParseContext): void {
  reader.bool("send_exemplars");
  reader.bool("send_native_histograms");
  const queue = reader.map("queue_config", "config.QueueConfig");
  if (queue) {
    for (const key of ["capacity", "max_shards", "min_shards", "max_samples_per_send"]) queue.int(key);
    for (const key of ["batch_send_deadline", "min_backoff", "max_backoff"]) queue.duration(key, ctx.profile);
    queue.bool("retry_on_http_429");
    if (ctx.profile === "v3") for (const key of ["sample_age_limit"]) queue.duration(key, ctx.profile);
    queue.finish();
  }
  const metadata = reader.map("metadata_config", "config.MetadataConfig");
  if (metadata) {
    metadata.bool("send");
    metadata.duration("send_interval", ctx.profile);
    metadata.int("max_samples_per_send");
    metadata.finish();
  }
  if (ctx.profile === "v3") for (const key of ["azuread", "google_iam", "protobuf_message", "round_robin_dns"]) reader.node(key);
}

function readRemoteReadExtras(reader: MapReader): void {
  reader.bool("read_recent");
  reader.bool("filter_external_labels");
  const matchers = reader.node("required_matchers");
  if (matchers && matchers.kind !== "map" && !(matchers.kind === "scalar" && matchers.isNull)) throw typeError(matchers, reader.atKey("required_matchers"), "model.LabelSet");
}


