/**
 * IONOS Cloud discovery (Prometheus discovery/ionos): every `refresh_interval`, one
 * `GET /cloudapi/v6/datacenters/<id>/servers?depth=3` (depth 3 embeds NICs and volumes; Prometheus asks one
 * page, no offset/limit, so neither does promsd), one group "ionos". A server's IPs are collected NIC by NIC
 * with each NIC's IPs put in front of those seen so far (Prometheus's `append(nicIPs, ips...)`), so the
 * first IP of the last NIC is the address; a server without IPs is skipped. Lists are joined with "," and
 * wrapped in ","; NICs without a name count as "unnamed".
 *
 * Prometheus's prepends share Go slice arrays, so a NIC name that repeats after another NIC can overwrite
 * entries of `__meta_ionos_server_ip`; promsd reproduces that per profile (./go-slices.ts).
 * Plain HTTP instead of sdk-go: one JSON GET with basic auth or a token from the HTTP client block.
 */
import { fetchJson } from "../../cloud/json-api.js";
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Profile } from "../../profile.js";
import type { IonosConfig } from "./config.js";
import { decodedSlice, EMPTY_SLICE, goAppend, sliceValues, type GoSlice } from "./go-slices.js";

const P = "__meta_ionos_server_";
const wrapped = (items: readonly string[]): string => `,${items.join(",")},`;

export function ionosTarget(server: GoStruct, serversId: string, port: number, profile: Profile): LabelSet | undefined {
  let ipSlice = EMPTY_SLICE;
  const slicesByNicName = new Map<string, GoSlice>();
  const entities = server.pointer("entities", "ionoscloud.ServerEntities");
  for (const nic of entities?.pointer("nics", "ionoscloud.Nics")?.structs("items", "ionoscloud.Nic") ?? []) {
    const properties = nic.struct("properties", "ionoscloud.NicProperties");
    const name = properties.raw("name") === undefined || properties.raw("name") === null ? "unnamed" : properties.string("name");
    const nicIps = decodedSlice(properties.strings("ips"), profile);
    ipSlice = goAppend(nicIps, ipSlice);
    slicesByNicName.set(name, goAppend(nicIps, slicesByNicName.get(name) ?? EMPTY_SLICE));
  }
  const ips = sliceValues(ipSlice);
  const [first] = ips;
  if (first === undefined) return undefined;
  const properties = server.struct("properties", "ionoscloud.ServerProperties");
  const labels: Record<string, string> = {
    __address__: joinHostPort(first, port),
    [`${P}availability_zone`]: properties.string("availabilityZone"),
    [`${P}cpu_family`]: properties.string("cpuFamily"),
    [`${P}servers_id`]: serversId,
    [`${P}id`]: server.string("id"),
    [`${P}ip`]: wrapped(ips),
    [`${P}lifecycle`]: server.struct("metadata", "ionoscloud.DatacenterElementMetadata").string("state"),
    [`${P}name`]: properties.string("name"),
    [`${P}state`]: properties.string("vmState"),
    [`${P}type`]: properties.string("type"),
  };
  for (const [name, nicIps] of slicesByNicName) labels[`${P}nic_ip_${sanitizeLabelName(name)}`] = wrapped(sliceValues(nicIps));
  const bootCdrom = properties.pointer("bootCdrom", "ionoscloud.ResourceReference");
  if (bootCdrom !== undefined) labels[`${P}boot_cdrom_id`] = bootCdrom.string("id");
  const bootVolume = properties.pointer("bootVolume", "ionoscloud.ResourceReference");
  if (bootVolume !== undefined) labels[`${P}boot_volume_id`] = bootVolume.string("id");
  const [firstVolume] = entities?.pointer("volumes", "ionoscloud.AttachedVolumes")?.structs("items", "ionoscloud.Volume") ?? [];
  const image = firstVolume?.struct("properties", "ionoscloud.VolumeProperties");
  if (image?.has("image") === true) labels[`${P}boot_image_id`] = image.string("image");
  return labels;
}

async function refresh(client: HttpClient, config: IonosConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const url = `${config.endpoint}/datacenters/${encodeURIComponent(config.datacenterId)}/servers?depth=3`;
  const servers = GoStruct.of(await fetchJson(client, url, { signal, mechanism: "ionos", maxBodyBytes: config.maxBodyBytes, wait }), "ionoscloud.Servers");
  const serversId = servers.string("id");
  const targets = servers.structs("items", "ionoscloud.Server").map((server) => ionosTarget(server, serversId, config.port, config.profile)).filter((t): t is LabelSet => t !== undefined);
  return [{ source: "ionos", labels: {}, targets }];
}

export function createIonosDiscoverer(config: IonosConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "ionos",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "ionos_sd", registry: deps.registry, logger: deps.logger });
      return { refresh: (signal) => refresh(client, config, signal, deps.sleep), close: () => client.close() };
    },
  }, deps);
}
