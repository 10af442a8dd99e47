/**
 * The two OVHcloud services Prometheus discovers, each a list call followed by two calls per server
 * (`/<service>/<name>` and `/<service>/<name>/ips`), and the labels it gives each server (vps.go,
 * dedicated_server.go). Answers are read as go-ovh reads them into Prometheus's structs (../../cloud/go-json.ts).
 */
import { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import type { LabelSet } from "../../model/labels.js";
import { queryEscape } from "../../targets/scrape-url.js";
import type { OvhcloudService } from "./config.js";
import { parseIpList, pickAddresses, type ParsedIp } from "./ip-list.js";

export const META_PREFIX = "__meta_ovhcloud_";

/** The list call's path per service. */
export const SERVICE_PATHS: Readonly<Record<OvhcloudService, string>> = Object.freeze({ vps: "/vps", dedicated_server: "/dedicated/server" });

/** Go's path.Join for `/<service>/<escaped name>[/ips]`: `.` and `..` names are cleaned away as Go does. */
export function serverPath(service: OvhcloudService, name: string, suffix = ""): string {
  const parts: string[] = [];
  for (const part of [...SERVICE_PATHS[service].split("/"), queryEscape(name), suffix]) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** The list answer: a JSON array of server names. */
export function decodeNameList(body: unknown): string[] {
  if (body === undefined || body === null) return [];
  if (!Array.isArray(body)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `json: cannot unmarshal ${typeof body} into Go value of type []string`);
  return body.map((item) => {
    if (item === null) return "";
    if (typeof item !== "string") throw new SourceError("PROMSD_SOURCE_BAD_BODY", `json: cannot unmarshal ${typeof item} into Go value of type string`);
    return item;
  });
}

/** The `/ips` answer, parsed and filtered (may throw IpListError). */
export function decodeIps(body: unknown): ParsedIp[] {
  return parseIpList(decodeNameList(body));
}

/** Go's `%+v` of a []string: `[a b c]`. */
function goStringSlice(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

export function vpsLabels(details: unknown, ips: readonly ParsedIp[]): LabelSet {
  const vps = GoStruct.of(details, "ovhcloud.virtualPrivateServer");
  const model = vps.struct("model", "ovhcloud.vpsModel");
  // Decoded for their type checks only, as Go's decoder would fail on them.
  vps.strings("keymap");
  vps.strings("monitoringIpBlocks");
  const { ipv4, ipv6 } = pickAddresses(ips);
  const p = `${META_PREFIX}vps_`;
  return {
    __address__: ipv4 || ipv6,
    instance: vps.string("name"),
    [`${p}offer`]: model.string("offer"),
    [`${p}datacenter`]: goStringSlice(model.strings("datacenter")),
    [`${p}model_vcore`]: String(model.int("vcore")),
    [`${p}maximum_additional_ip`]: String(model.int("maximumAdditionnalIp")),
    [`${p}version`]: model.string("version"),
    [`${p}model_name`]: model.string("name"),
    [`${p}disk`]: String(model.int("disk")),
    [`${p}memory`]: String(model.int("memory")),
    [`${p}zone`]: vps.string("zone"),
    [`${p}display_name`]: vps.string("displayName"),
    [`${p}cluster`]: vps.string("cluster"),
    [`${p}state`]: vps.string("state"),
    [`${p}name`]: vps.string("name"),
    [`${p}netboot_mode`]: vps.string("netbootMode"),
    [`${p}memory_limit`]: String(vps.int("memoryLimit")),
    [`${p}offer_type`]: vps.string("offerType"),
    [`${p}vcore`]: String(vps.int("vcore")),
    [`${p}ipv4`]: ipv4,
    [`${p}ipv6`]: ipv6,
  };
}

export function dedicatedServerLabels(details: unknown, ips: readonly ParsedIp[]): LabelSet {
  const server = GoStruct.of(details, "ovhcloud.dedicatedServer");
  const { ipv4, ipv6 } = pickAddresses(ips);
  const p = `${META_PREFIX}dedicated_server_`;
  return {
    __address__: ipv4 || ipv6,
    instance: server.string("name"),
    [`${p}state`]: server.string("state"),
    [`${p}commercial_range`]: server.string("commercialRange"),
    [`${p}link_speed`]: String(server.int("linkSpeed")),
    [`${p}rack`]: server.string("rack"),
    [`${p}no_intervention`]: String(server.bool("noIntervention")),
    [`${p}os`]: server.string("os"),
    [`${p}support_level`]: server.string("supportLevel"),
    [`${p}server_id`]: String(server.int("serverId", "int64")),
    [`${p}reverse`]: server.string("reverse"),
    [`${p}datacenter`]: server.string("datacenter"),
    [`${p}name`]: server.string("name"),
    [`${p}ipv4`]: ipv4,
    [`${p}ipv6`]: ipv6,
  };
}
