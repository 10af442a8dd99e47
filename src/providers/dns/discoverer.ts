/**
 * DNS discovery (spec dns.md): every `refresh_interval`, resolve all configured names concurrently with
 * promsd's own stub resolver (./resolver.ts) and emit one group per name that resolved. A name that failed
 * emits nothing, so its previous targets stay; a name whose every candidate was NXDOMAIN emits an empty
 * group, which removes its targets. The refresh itself never fails (dns.md 2.1).
 */
import { joinHostPort } from "../../model/address.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { counter } from "../../metrics/registry.js";
import { poll } from "../polling.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { refreshMetricHooks } from "../refresh-metrics.js";
import type { DnsConfig } from "./config.js";
import { loadResolvConf } from "./resolv-conf.js";
import { lookupWithSearchPath } from "./resolver.js";
import type { DnsRecord } from "./wire.js";

export const META_DNS_NAME = "__meta_dns_name";
export const META_DNS_SRV_RECORD_TARGET = "__meta_dns_srv_record_target";
export const META_DNS_SRV_RECORD_PORT = "__meta_dns_srv_record_port";
export const META_DNS_MX_RECORD_TARGET = "__meta_dns_mx_record_target";
export const META_DNS_NS_RECORD_TARGET = "__meta_dns_ns_record_target";

/** Where the resolver reads its configuration; overridable for tests, Prometheus always uses these. */
export interface DnsResolverSettings {
  readonly resolvConfPath: string;
  readonly port: number;
}
export const DEFAULT_RESOLVER_SETTINGS: DnsResolverSettings = { resolvConfPath: "/etc/resolv.conf", port: 53 };

export function createDnsDiscoverer(config: DnsConfig, deps: DiscovererDeps, settings = DEFAULT_RESOLVER_SETTINGS): Discoverer {
  const lookups = counter(deps.registry, { name: "prometheus_sd_dns_lookups_total", help: "The number of DNS-SD lookups." });
  const failures = counter(deps.registry, { name: "prometheus_sd_dns_lookup_failures_total", help: "The number of DNS-SD lookup failures." });
  const metrics = refreshMetricHooks(deps.registry, "dns", deps.jobNames[0] ?? "");

  async function resolveName(name: string, signal: AbortSignal): Promise<TargetGroup | undefined> {
    lookups.inc();
    try {
      const resolverConfig = await loadResolvConf(settings.resolvConfPath);
      const records = await lookupWithSearchPath(name, config.type, resolverConfig, { port: settings.port, logger: deps.logger }, signal);
      return { source: name, labels: {}, targets: recordsToTargets(name, records, config, deps) };
    } catch (error) {
      if (signal.aborted) return undefined;
      failures.inc();
      deps.logger.error({ name, err: (error as Error).message }, "Error refreshing DNS targets");
      return undefined;
    }
  }

  async function refresh(signal: AbortSignal): Promise<readonly TargetGroup[]> {
    const groups: TargetGroup[] = [];
    // Completion order, as Prometheus collects results from a channel.
    await Promise.all(config.names.map(async (name) => {
      const group = await resolveName(name, signal);
      if (group) groups.push(group);
    }));
    return groups;
  }

  return {
    discover: (signal) => poll(refresh, signal, {
      intervalMs: config.refreshIntervalMs,
      reportError: metrics.countFailure,
      observeDuration: metrics.observeDuration,
      wait: deps.sleep,
      // A DNS refresh returns only the names that resolved, so a failed name must not count as vanished.
      keepVanishedSources: true,
    }),
  };
}

/** One target per usable answer record, in answer order (dns.md 3). */
export function recordsToTargets(name: string, records: readonly DnsRecord[], config: DnsConfig, deps: Pick<DiscovererDeps, "logger">): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const record of records) {
    const target = recordToTarget(name, record, config);
    if (target) targets.push(target);
    else if (record.kind !== "CNAME") deps.logger.warn({ record: record.kind === "other" ? `type ${record.type}` : record.kind }, "Invalid record");
  }
  return targets;
}

function recordToTarget(name: string, record: DnsRecord, config: DnsConfig): LabelSet | undefined {
  // Empty-valued labels are absent (common.md 1.4), so only the record's own label is set.
  const base = { [META_DNS_NAME]: name };
  switch (record.kind) {
    case "SRV":
      return withoutEmpty({ ...base, __address__: joinHostPort(trimDots(record.target), record.port), [META_DNS_SRV_RECORD_TARGET]: record.target, [META_DNS_SRV_RECORD_PORT]: String(record.port) });
    case "MX":
      return withoutEmpty({ ...base, __address__: joinHostPort(trimDots(record.exchange), config.port), [META_DNS_MX_RECORD_TARGET]: record.exchange });
    case "NS":
      if (!config.hasNsSupport) return undefined;
      return withoutEmpty({ ...base, __address__: joinHostPort(trimDots(record.host), config.port), [META_DNS_NS_RECORD_TARGET]: record.host });
    case "A":
    case "AAAA":
      return withoutEmpty({ ...base, __address__: joinHostPort(record.address, config.port) });
    case "CNAME":
    case "other":
      return undefined;
  }
}

function trimDots(host: string): string {
  return host.replace(/\.+$/, "");
}

function withoutEmpty(labels: Record<string, string>): LabelSet {
  for (const key of Object.keys(labels)) if (labels[key] === "") delete labels[key];
  return labels;
}
