/**
 * Consul discovery (spec consul.md): blocking queries against the Consul HTTP API — optionally one on the
 * catalog to learn which services exist, then one per watched service on the health endpoint. Each watch
 * resumes from the last `X-Consul-Index`; an unchanged index emits nothing; an index that goes backwards
 * is stored and the next query is sent without it (Consul's advice for index resets). Errors keep the last
 * groups, are logged and counted, and retried after 15 s.
 */
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import { counter, summary } from "../../metrics/registry.js";
import type { LabelSet } from "../../model/labels.js";
import { emptyGroup, type TargetGroup } from "../../model/target-group.js";
import { encodeQuery } from "../../targets/scrape-url.js";
import { Mailbox } from "../mailbox.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { ConsulConfig } from "./config.js";
import { decodeCatalogServices, decodeHealthEntries, entryToTarget, parseFirstJsonValue } from "./entries.js";

export interface ConsulTimings {
  /** Pause after a failed call (Prometheus: 15 s). */
  readonly retryDelayMs: number;
  /** Per-request deadline (Prometheus: 2 min wait + 15 s). */
  readonly requestTimeoutMs: number;
  /** Largest body accepted: large catalogs are big, but more than this is a broken or hostile server. */
  readonly maxBodyBytes: number;
}
export const DEFAULT_CONSUL_TIMINGS: ConsulTimings = { retryDelayMs: 15_000, requestTimeoutMs: 135_000, maxBodyBytes: 64 * 1024 * 1024 };

/** Blocking queries ask Consul to hold them this long (sent as `wait`). */
const WAIT_PARAM = "120000ms";

interface Endpoint {
  readonly baseUrl: string;
}

/** `server` may carry a scheme and a path prefix (consul.md 1). Unknown schemes fail discoverer creation. */
export function consulEndpoint(config: ConsulConfig, env: NodeJS.ProcessEnv = process.env): Endpoint {
  let scheme = config.scheme === "" ? (env.CONSUL_HTTP_SSL === "true" ? "https" : "http") : config.scheme;
  let rest = config.server;
  let prefix = config.pathPrefix;
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(config.server);
  if (match) {
    const given = (match[1] as string).toLowerCase();
    if (given === "unix") throw new Error("Unix sockets are not supported by promsd's consul discovery");
    if (given !== "http" && given !== "https") throw new Error(`Unknown protocol scheme: ${match[1]}`);
    scheme = given;
    rest = match[2] as string;
    const slash = rest.indexOf("/");
    if (slash >= 0) {
      prefix = rest.slice(slash);
      rest = rest.slice(0, slash);
    }
  }
  return { baseUrl: `${scheme}://${rest}${prefix}` };
}

/** Go url.PathEscape: a path segment keeps `$&+:=@`, escapes `/;,?` and everything outside unreserved. */
function pathSegmentEscape(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~$&+:=@]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function createConsulDiscoverer(config: ConsulConfig, deps: DiscovererDeps, timings = DEFAULT_CONSUL_TIMINGS): Discoverer {
  const endpoint = consulEndpoint(config); // throws for unknown schemes: a failed creation, as in Prometheus
  return { discover: (signal) => discoverConsul(config, endpoint, deps, timings, signal) };
}

async function* discoverConsul(config: ConsulConfig, endpoint: Endpoint, deps: DiscovererDeps, timings: ConsulTimings, signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
  const failures = counter(deps.registry, { name: "prometheus_sd_consul_rpc_failures_total", help: "The number of Consul RPC call failures." });
  const durations = summary(deps.registry, { name: "prometheus_sd_consul_rpc_duration_seconds", help: "The duration of a Consul RPC call in seconds.", labelNames: ["endpoint", "call"] });
  const http = createHttpClient(config.httpClientConfig, { dialerName: "consul_sd", registry: deps.registry, logger: deps.logger });
  const token = config.token.isEmpty ? process.env.CONSUL_HTTP_TOKEN ?? "" : config.token.reveal();
  const namespace = config.namespace || process.env.CONSUL_NAMESPACE || "";
  const partition = config.partition || process.env.CONSUL_PARTITION || "";
  const mailbox = new Mailbox();
  const pending = new Map<string, TargetGroup>();
  const emit = (group: TargetGroup) => {
    pending.set(group.source, group);
    mailbox.wake();
  };
  const call = (path: string, extra: [string, string[]][], callName: "services" | "service" | "self", index: bigint) =>
    consulGet(http, `${endpoint.baseUrl}${path}`, callName === "self" ? scopeParams(namespace, partition) : baseParams(config, namespace, partition, extra, index), token, timings, signal, (seconds) => {
      if (callName !== "self") durations.observe({ endpoint: "catalog", call: callName }, seconds);
    });

  try {
    const datacenter = config.datacenter || (await lookupDatacenter(call, deps, failures, timings, signal));
    if (datacenter === undefined) return;
    const watches = new Map<string, AbortController>();
    const firstRound: Promise<void>[] = [];
    const startHealthWatch = (name: string) => {
      const stop = new AbortController();
      watches.set(name, stop);
      const watchSignal = AbortSignal.any([signal, stop.signal]);
      let markFirst = () => {};
      firstRound.push(new Promise<void>((resolve) => (markFirst = resolve)));
      void healthWatch(name, { config, datacenter, call, emit, deps, failures, timings, signal: watchSignal, onFirstResult: () => markFirst() });
    };
    const isCatalogMode = config.services.length === 0 || config.tags.length > 0 || config.filter !== "";
    if (isCatalogMode) {
      let markFirst = () => {};
      const catalogFirst = new Promise<void>((resolve) => (markFirst = resolve));
      void catalogWatch({ config, call, watches, startHealthWatch, emit, deps, failures, timings, signal, onFirstResult: () => markFirst() });
      await catalogFirst;
    } else {
      for (const name of config.services) startHealthWatch(name);
    }
    // The initial set: what the first round of calls produced (possibly nothing).
    await Promise.race([Promise.all(firstRound), new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }))]);
    mailbox.wake();
    while (await mailbox.wait(signal)) {
      const groups = [...pending.values()];
      pending.clear();
      yield groups;
    }
  } finally {
    http.close();
  }
}

type Call = (path: string, extra: [string, string[]][], callName: "services" | "service" | "self", index: bigint) => Promise<{ index: bigint; body: string }>;

/** The agent lookup carries only the namespace and partition. */
function scopeParams(namespace: string, partition: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  if (namespace !== "") params.set("ns", [namespace]);
  if (partition !== "") params.set("partition", [partition]);
  return params;
}

function baseParams(config: ConsulConfig, namespace: string, partition: string, extra: [string, string[]][], index: bigint): Map<string, string[]> {
  const params = new Map<string, string[]>(extra);
  if (config.datacenter !== "") params.set("dc", [config.datacenter]);
  if (index > 0n) params.set("index", [index.toString()]);
  if (config.nodeMeta.length > 0) params.set("node-meta", config.nodeMeta.map(([k, v]) => `${k}:${v}`));
  if (namespace !== "") params.set("ns", [namespace]);
  if (partition !== "") params.set("partition", [partition]);
  if (config.allowStale) params.set("stale", [""]);
  return params;
}

async function consulGet(http: HttpClient, url: string, params: Map<string, string[]>, token: string, timings: ConsulTimings, signal: AbortSignal, observe: (seconds: number) => void): Promise<{ index: bigint; body: string }> {
  const query = encodeQuery(params);
  const started = performance.now();
  try {
    const response = await http.request(query ? `${url}?${query}` : url, {
      signal,
      timeoutMs: timings.requestTimeoutMs,
      maxBodyBytes: timings.maxBodyBytes,
      headers: token !== "" ? { "X-Consul-Token": token } : {},
    });
    const body = response.body.toString("utf8");
    if (response.status !== 200) throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `Unexpected response code: ${response.status} (${body.trim()})`);
    // A missing or unparsable index reads as 0, as the Go client does.
    const header = response.headers["x-consul-index"] ?? "";
    const index = /^[0-9]+$/.test(header) && BigInt(header) < 1n << 64n ? BigInt(header) : 0n;
    return { index, body };
  } finally {
    observe((performance.now() - started) / 1000);
  }
}

async function lookupDatacenter(call: Call, deps: DiscovererDeps, failures: { inc(): void }, timings: ConsulTimings, signal: AbortSignal): Promise<string | undefined> {
  while (!signal.aborted) {
    try {
      const { body } = await call("/v1/agent/self", [], "self", 0n);
      const self = parseFirstJsonValue(body);
      const configSection = typeof self === "object" && self !== null && !Array.isArray(self) ? (self as Record<string, unknown>).Config : undefined;
      const dc = typeof configSection === "object" && configSection !== null ? (configSection as Record<string, unknown>).Datacenter : undefined;
      if (typeof dc === "string") return dc;
      deps.logger.error({ err: `invalid value '${JSON.stringify(dc)}' for Config.Datacenter` }, "Error retrieving datacenter name");
    } catch (error) {
      if (signal.aborted) break;
      failures.inc();
      deps.logger.error({ err: (error as Error).message }, "Error retrieving datacenter name");
    }
    if (!(await deps.sleep(timings.retryDelayMs, signal))) break;
  }
  return undefined;
}

interface WatchContext {
  readonly config: ConsulConfig;
  readonly call: Call;
  readonly emit: (group: TargetGroup) => void;
  readonly deps: DiscovererDeps;
  readonly failures: { inc(): void };
  readonly timings: ConsulTimings;
  readonly signal: AbortSignal;
  readonly onFirstResult: () => void;
}

/** Runs `attempt` now and then at most once per `refresh_interval`; after an error, no sooner than the retry delay. */
async function blockingLoop(ctx: WatchContext, attempt: (index: bigint) => Promise<bigint>, errorMessage: string, labels: Record<string, string>): Promise<void> {
  let index = 0n;
  let sendIndex = 0n;
  while (!ctx.signal.aborted) {
    const started = Date.now();
    try {
      const next = await attempt(sendIndex);
      // A backwards index means Consul reset its state: keep it, but ask the next time without blocking.
      sendIndex = next < index ? 0n : next;
      index = next;
    } catch (error) {
      if (ctx.signal.aborted) break;
      ctx.failures.inc();
      ctx.deps.logger.error({ ...labels, err: (error as Error).message }, errorMessage);
      ctx.onFirstResult();
      if (!(await ctx.deps.sleep(ctx.timings.retryDelayMs, ctx.signal))) break;
    }
    ctx.onFirstResult();
    const untilTick = started + ctx.config.refreshIntervalMs - Date.now();
    if (untilTick > 0 && !(await ctx.deps.sleep(untilTick, ctx.signal))) break;
  }
}

async function healthWatch(name: string, ctx: WatchContext & { datacenter: string }): Promise<void> {
  const { config } = ctx;
  const groupLabels: LabelSet = { __meta_consul_service: name, ...(ctx.datacenter ? { __meta_consul_dc: ctx.datacenter } : {}) };
  let stored = 0n;
  const extra: [string, string[]][] = [["wait", [WAIT_PARAM]]];
  if (config.healthFilter !== "") extra.push(["filter", [config.healthFilter]]);
  if (config.tags.length > 0) extra.push(["tag", [...config.tags]]);
  await blockingLoop(ctx, async (index) => {
    const { index: next, body } = await ctx.call(`/v1/health/service/${pathSegmentEscape(name)}`, extra, "service", index);
    if (next === stored) return next;
    const entries = decodeHealthEntries(body, (i) => ctx.deps.logger.warn({ service: name, entry: i }, "Skipping Consul health entry without Node or Service"));
    stored = next;
    if (!ctx.signal.aborted) ctx.emit({ source: name, labels: groupLabels, targets: entries.map((e) => entryToTarget(e, config.tagSeparator)) });
    return next;
  }, "Error refreshing service", { service: name });
}

async function catalogWatch(ctx: WatchContext & { watches: Map<string, AbortController>; startHealthWatch: (name: string) => void }): Promise<void> {
  const { config, watches } = ctx;
  let stored = 0n;
  const extra: [string, string[]][] = [["wait", [WAIT_PARAM]]];
  if (config.filter !== "") extra.push(["filter", [config.filter]]);
  try {
    await blockingLoop(ctx, async (index) => {
      const { index: next, body } = await ctx.call("/v1/catalog/services", extra, "services", index);
      if (next === stored) return next;
      const services = decodeCatalogServices(body);
      stored = next;
      for (const [name, tags] of services) {
        const isSelected = (config.services.length === 0 || config.services.includes(name)) && config.tags.every((t) => tags.includes(t));
        if (isSelected && !watches.has(name)) ctx.startHealthWatch(name);
      }
      for (const [name, stop] of watches) {
        if (services.has(name)) continue;
        stop.abort();
        watches.delete(name);
        ctx.emit(emptyGroup(name));
      }
      if (watches.size === 0) ctx.emit(emptyGroup(""));
      return next;
    }, "Error refreshing service list", {});
  } finally {
    for (const stop of watches.values()) stop.abort();
  }
}
