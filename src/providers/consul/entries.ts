/**
 * Decoding Consul API bodies the way Prometheus's Go client does (spec common.md 8): struct fields matched
 * case-insensitively, map keys case-sensitive, unknown fields ignored, a wrong type fails the whole body,
 * and — Consul only — anything after the first complete JSON value is ignored (a streaming decoder).
 * Then the pure label building of consul.md 3.
 */
import { joinHostPort } from "../../model/address.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";

export class ConsulDecodeError extends Error {
  override readonly name = "ConsulDecodeError";
}

export interface HealthEntry {
  readonly node: { readonly name: string; readonly address: string; readonly meta: Readonly<Record<string, string>>; readonly taggedAddresses: Readonly<Record<string, string>> };
  readonly service: { readonly id: string; readonly address: string; readonly port: number; readonly tags: readonly string[]; readonly meta: Readonly<Record<string, string>>; readonly namespace: string; readonly partition: string };
  readonly checks: readonly { readonly checkId: string; readonly status: string }[];
}

/** Parses the first JSON value of `body`, ignoring whatever follows it. */
export function parseFirstJsonValue(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    const end = endOfFirstValue(body);
    if (end === undefined || end === body.length) throw new ConsulDecodeError((error as Error).message);
    try {
      return JSON.parse(body.slice(0, end));
    } catch (inner) {
      throw new ConsulDecodeError((inner as Error).message);
    }
  }
}

function endOfFirstValue(text: string): number | undefined {
  let i = 0;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  const first = text[i];
  if (first !== "{" && first !== "[") {
    const m = /^("(?:[^"\\]|\\.)*"|[^\s,\]}]+)/.exec(text.slice(i));
    return m ? i + m[0].length : undefined;
  }
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

function fields(value: unknown, what: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value === null || value === undefined) return out;
  if (typeof value !== "object" || Array.isArray(value)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${what}`);
  for (const [key, v] of Object.entries(value)) out.set(key.toLowerCase(), v);
  return out;
}

function str(value: unknown, what: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${what} of type string`);
  return value;
}

function int(value: unknown, what: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${what} of type int`);
  return value;
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${what} of type map[string]string`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) out[key] = str(v, `${what}.${key}`);
  return out;
}

function list(value: unknown, what: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${what} of type []`);
  return value;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** `/v1/catalog/services`: service name → tags. */
export function decodeCatalogServices(body: string): Map<string, readonly string[]> {
  const value = parseFirstJsonValue(body);
  const out = new Map<string, readonly string[]>();
  if (value === null) return out;
  if (typeof value !== "object" || Array.isArray(value)) throw new ConsulDecodeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type map[string][]string`);
  for (const [name, tags] of Object.entries(value)) out.set(name, list(tags, name).map((t) => str(t, name)));
  return out;
}

/**
 * `/v1/health/service/<name>`: entries in response order. Entries whose Node or Service is null are skipped
 * and reported through `onSkipped` (Prometheus crashes on them).
 */
export function decodeHealthEntries(body: string, onSkipped: (index: number) => void): HealthEntry[] {
  const value = parseFirstJsonValue(body);
  const entries: HealthEntry[] = [];
  list(value, "[]*api.ServiceEntry").forEach((raw, index) => {
    const entry = fields(raw, "api.ServiceEntry");
    const rawNode = entry.get("node");
    const rawService = entry.get("service");
    if (rawNode === null || rawNode === undefined || rawService === null || rawService === undefined) {
      onSkipped(index);
      return;
    }
    const node = fields(rawNode, "api.Node");
    const service = fields(rawService, "api.AgentService");
    entries.push({
      node: {
        name: str(node.get("node"), "Node.Node"),
        address: str(node.get("address"), "Node.Address"),
        meta: stringMap(node.get("meta"), "Node.Meta"),
        taggedAddresses: stringMap(node.get("taggedaddresses"), "Node.TaggedAddresses"),
      },
      service: {
        id: str(service.get("id"), "Service.ID"),
        address: str(service.get("address"), "Service.Address"),
        port: int(service.get("port"), "Service.Port"),
        tags: list(service.get("tags"), "Service.Tags").map((t) => str(t, "Service.Tags")),
        meta: stringMap(service.get("meta"), "Service.Meta"),
        namespace: str(service.get("namespace"), "Service.Namespace"),
        partition: str(service.get("partition"), "Service.Partition"),
      },
      checks: list(entry.get("checks"), "Checks").map((c) => {
        const check = fields(c, "api.HealthCheck");
        return { checkId: str(check.get("checkid"), "Checks.CheckID"), status: str(check.get("status"), "Checks.Status") };
      }),
    });
  });
  return entries;
}

/** consul.md 3: aggregated health over every check of the entry. */
export function aggregatedHealth(checks: HealthEntry["checks"]): string {
  let hasMaintenance = false;
  let hasCritical = false;
  let hasWarning = false;
  for (const check of checks) {
    if (check.checkId === "_node_maintenance" || check.checkId.startsWith("_service_maintenance:")) {
      hasMaintenance = true;
      continue;
    }
    switch (check.status) {
      case "passing": break;
      case "warning": hasWarning = true; break;
      case "critical": hasCritical = true; break;
      default: return "";
    }
  }
  return hasMaintenance ? "maintenance" : hasCritical ? "critical" : hasWarning ? "warning" : "passing";
}

/** One target per health entry (consul.md 3). Empty values are absent (common.md 1.4). */
export function entryToTarget(entry: HealthEntry, tagSeparator: string): LabelSet {
  const host = entry.service.address !== "" ? entry.service.address : entry.node.address;
  const labels: Record<string, string> = {
    __address__: joinHostPort(host, entry.service.port),
    __meta_consul_address: entry.node.address,
    __meta_consul_node: entry.node.name,
    __meta_consul_namespace: entry.service.namespace,
    __meta_consul_partition: entry.service.partition,
    __meta_consul_tags: `${tagSeparator}${entry.service.tags.join(tagSeparator)}${tagSeparator}`,
    __meta_consul_service_address: entry.service.address,
    __meta_consul_service_port: String(entry.service.port),
    __meta_consul_service_id: entry.service.id,
    __meta_consul_health: aggregatedHealth(entry.checks),
  };
  // Keys sorted so that sanitising collisions resolve the same way every time (common.md 2.2).
  for (const key of Object.keys(entry.node.meta).sort()) labels[`__meta_consul_metadata_${sanitizeLabelName(key)}`] = entry.node.meta[key] as string;
  for (const key of Object.keys(entry.service.meta).sort()) labels[`__meta_consul_service_metadata_${sanitizeLabelName(key)}`] = entry.service.meta[key] as string;
  for (const key of Object.keys(entry.node.taggedAddresses).sort()) labels[`__meta_consul_tagged_address_${sanitizeLabelName(key)}`] = entry.node.taggedAddresses[key] as string;
  for (const key of Object.keys(labels)) if (labels[key] === "") delete labels[key];
  return labels;
}
