/**
 * Scaleway discovery (Prometheus discovery/scaleway): every `refresh_interval`, one group "scaleway" with
 * either the zone's Instance servers (`GET /instance/v1/zones/<zone>/servers`, `name`/`tags` filters; in
 * 3.13+ plus `GET /ipam/v1/regions/<region>/ips` for servers reachable only through a private NIC;
 * ./instance.ts) or its Elastic Metal servers (`GET /baremetal/v1/zones/<zone>/servers`, `/offers`, `/os`;
 * ./baremetal.ts). Requests, auth and paging as scaleway-sdk-go sends them (./api.ts); the query strings
 * are the ones promtool 2.42 was seen sending. Plain HTTP instead of the SDK (there is a maintained
 * `@scaleway/sdk`, see README): four JSON lists with one header of auth.
 */
import { readFileSync } from "node:fs";
import { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import { createHttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import { createScalewayApi, zoneRegion, type ScalewayApi } from "./api.js";
import { baremetalTarget } from "./baremetal.js";
import type { ScalewayConfig } from "./config.js";
import { instanceTarget, needsIpam } from "./instance.js";

type Query = [string, string][];

function filters(config: ScalewayConfig, joinTags: boolean): Query {
  const query: Query = [];
  if (config.nameFilter !== "") query.push(["name", config.nameFilter]);
  const tags = config.tagsFilter ?? [];
  if (tags.length > 0) query.push(...(joinTags ? [["tags", tags.join(",")] as [string, string]] : tags.map((tag): [string, string] => ["tags", tag])));
  return query;
}

/** IPAM's IPv4 per private NIC id, for the servers that have no legacy address (3.13+). */
async function privateNicIps(api: ScalewayApi, servers: readonly GoStruct[], signal: AbortSignal): Promise<Map<string, string>> {
  const nicsByRegion = new Map<string, string[]>();
  for (const server of servers.filter(needsIpam)) {
    const zone = server.string("zone");
    const region = zoneRegion(zone);
    if (region === undefined) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${zone} is an invalid zone`);
    for (const nic of server.list("private_nics")) {
      const id = nic === null ? "" : GoStruct.of(nic, "instance.PrivateNIC").string("id");
      if (id !== "") nicsByRegion.set(region, [...(nicsByRegion.get(region) ?? []), id]);
    }
  }
  const out = new Map<string, string>();
  for (const [region, ids] of nicsByRegion) {
    const query: Query = [...ids.map((id): [string, string] => ["resource_ids", id]), ["resource_types", "instance_private_nic"]];
    for (const ip of await api.listAll(`/ipam/v1/regions/${region}/ips`, query, "ips", "ipam.IP", signal)) {
      const resource = ip.pointer("resource", "ipam.Resource");
      const address = ip.string("address").split("/")[0] ?? "";
      if (resource !== undefined && !ip.bool("is_ipv6") && address !== "") out.set(resource.string("id"), address);
    }
  }
  return out;
}

async function refreshInstances(api: ScalewayApi, config: ScalewayConfig, signal: AbortSignal): Promise<TargetGroup[]> {
  const query: Query = [...filters(config, true), ["order", "creation_date_desc"]];
  const servers = await api.listAll(`/instance/v1/zones/${config.zone}/servers`, query, "servers", "instance.Server", signal);
  const nicIps = config.profile === "v3" ? await privateNicIps(api, servers, signal) : new Map<string, string>();
  const targets = servers.map((s) => instanceTarget(s, nicIps, config.port, config.profile)).filter((t): t is LabelSet => t !== undefined);
  return [{ source: "scaleway", labels: {}, targets }];
}

async function refreshBaremetal(api: ScalewayApi, config: ScalewayConfig, signal: AbortSignal): Promise<TargetGroup[]> {
  const base = `/baremetal/v1/zones/${config.zone}`;
  const servers = await api.listAll(`${base}/servers`, [...filters(config, false), ["order_by", "created_at_asc"]], "servers", "baremetal.Server", signal);
  const offers = await api.listAll(`${base}/offers`, [["subscription_period", "unknown_subscription_period"]], "offers", "baremetal.Offer", signal);
  const systems = await api.listAll(`${base}/os`, [], "os", "baremetal.OS", signal);
  return [{ source: "scaleway", labels: {}, targets: servers.map((s) => baremetalTarget(s, offers, systems, config.port)) }];
}

/** Throws SourceError when `secret_key_file` is unreadable now: Prometheus fails the discoverer's creation then. */
export function createScalewayDiscoverer(config: ScalewayConfig, deps: DiscovererDeps): Discoverer {
  if (config.secretKeyFile !== "") {
    try {
      readFileSync(config.secretKeyFile);
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_SCALEWAY_TOKEN", `unable to read auth token file ${config.secretKeyFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return createRefreshDiscoverer({
    mechanism: "scaleway",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "scaleway_sd", registry: deps.registry, logger: deps.logger });
      const api = createScalewayApi(client, config, deps.sleep);
      const refresh = config.role === "instance" ? refreshInstances : refreshBaremetal;
      return { refresh: (signal) => refresh(api, config, signal), close: () => client.close() };
    },
  }, deps);
}
