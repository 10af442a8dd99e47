/**
 * Vultr discovery (Prometheus discovery/vultr): every `refresh_interval`, `GET /v2/instances?per_page=100`
 * and then `&cursor=<meta.links.next>` until `next` is empty, as govultr pages; every instance is one target
 * in the group "Vultr", addressed by its `main_ip`, with features and tags joined by "," and wrapped in ","
 * (only when there are any). Plain HTTP instead of govultr: one bearer-token JSON list with a cursor.
 */
import { collectPages, fetchJson } from "../../cloud/json-api.js";
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { VultrConfig } from "./config.js";

const P = "__meta_vultr_instance_";
const PER_PAGE = 100;

export function vultrTarget(instance: GoStruct, port: number): LabelSet {
  const mainIp = instance.string("main_ip");
  const labels: Record<string, string> = {
    __address__: joinHostPort(mainIp, port),
    [`${P}id`]: instance.string("id"),
    [`${P}label`]: instance.string("label"),
    [`${P}os`]: instance.string("os"),
    [`${P}os_id`]: String(instance.int("os_id")),
    [`${P}region`]: instance.string("region"),
    [`${P}plan`]: instance.string("plan"),
    [`${P}vcpu_count`]: String(instance.int("vcpu_count")),
    [`${P}ram_mb`]: String(instance.int("ram")),
    [`${P}allowed_bandwidth_gb`]: String(instance.int("allowed_bandwidth")),
    [`${P}disk_gb`]: String(instance.int("disk")),
    [`${P}main_ip`]: mainIp,
    [`${P}main_ipv6`]: instance.string("v6_main_ip"),
    [`${P}internal_ip`]: instance.string("internal_ip"),
    [`${P}hostname`]: instance.string("hostname"),
    [`${P}server_status`]: instance.string("server_status"),
  };
  const features = instance.strings("features");
  if (features.length > 0) labels[`${P}features`] = `,${features.join(",")},`;
  const tags = instance.strings("tags");
  if (tags.length > 0) labels[`${P}tags`] = `,${tags.join(",")},`;
  return labels;
}

async function refresh(client: HttpClient, config: VultrConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const instances = await collectPages(async (cursor) => {
    const query = new URLSearchParams();
    if (cursor !== undefined) query.set("cursor", cursor);
    query.set("per_page", String(PER_PAGE));
    const body = GoStruct.of(await fetchJson(client, `${config.endpoint}/v2/instances?${query.toString()}`, { signal, mechanism: "vultr", maxBodyBytes: config.maxBodyBytes, wait }), "govultr.instancesBase");
    const next = body.struct("meta", "govultr.Meta").struct("links", "govultr.Links").string("next");
    return { items: body.structs("instances", "govultr.Instance"), next: next === "" ? undefined : next };
  }, { mechanism: "vultr" });
  return [{ source: "Vultr", labels: {}, targets: instances.map((instance) => vultrTarget(instance, config.port)) }];
}

export function createVultrDiscoverer(config: VultrConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "vultr",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "vultr_sd", registry: deps.registry, logger: deps.logger });
      return { refresh: (signal) => refresh(client, config, signal, deps.sleep), close: () => client.close() };
    },
  }, deps);
}
