/**
 * Parses member znode data into one target's labels (spec zookeeper.md 3.1, 3.2), with Go's JSON decoding
 * rules (common.md 8): field names case-insensitive, unknown fields ignored, a wrong type rejects the node,
 * `null` and `{}` accepted with zero values. Rejections are silent (no target, no log), as in Prometheus.
 */
import { joinHostPort } from "../../model/address.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { MemberFormat } from "./config.js";

class Rejected extends Error {}

export function parseMember(format: MemberFormat, path: string, data: Buffer): LabelSet | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
  try {
    return format === "serverset" ? serversetLabels(path, json) : nerveLabels(path, json);
  } catch (error) {
    if (error instanceof Rejected) return undefined;
    throw error;
  }
}

function serversetLabels(path: string, json: unknown): LabelSet {
  const member = fields(json);
  const endpoint = fields(member.get("serviceendpoint"));
  const host = str(endpoint.get("host"));
  const port = int(endpoint.get("port"));
  const labels: Record<string, string> = {
    __address__: joinHostPort(host, port),
    __meta_serverset_path: path,
    __meta_serverset_endpoint_host: host,
    __meta_serverset_endpoint_port: String(port),
    __meta_serverset_status: str(member.get("status")),
    __meta_serverset_shard: String(int(member.get("shard"))),
  };
  const additional = member.get("additionalendpoints");
  if (additional !== undefined && additional !== null) {
    if (typeof additional !== "object" || Array.isArray(additional)) throw new Rejected();
    // Map keys are case-sensitive; sorted so that sanitising collisions resolve the same way every time.
    for (const name of Object.keys(additional).sort()) {
      const extra = fields((additional as Record<string, unknown>)[name]);
      const suffix = sanitizeLabelName(name);
      labels[`__meta_serverset_endpoint_host_${suffix}`] = str(extra.get("host"));
      labels[`__meta_serverset_endpoint_port_${suffix}`] = String(int(extra.get("port")));
    }
  }
  return withoutEmpty(labels);
}

function nerveLabels(path: string, json: unknown): LabelSet {
  const member = fields(json);
  const host = str(member.get("host"));
  const port = int(member.get("port"));
  return withoutEmpty({
    __address__: joinHostPort(host, port),
    __meta_nerve_path: path,
    __meta_nerve_endpoint_host: host,
    __meta_nerve_endpoint_port: String(port),
    __meta_nerve_endpoint_name: str(member.get("name")),
  });
}

/** A JSON object's fields by lower-cased name (last one wins, like Go); null is an empty object. */
function fields(value: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value === null || value === undefined) return out;
  if (typeof value !== "object" || Array.isArray(value)) throw new Rejected();
  for (const [key, v] of Object.entries(value)) out.set(key.toLowerCase(), v);
  return out;
}

function str(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new Rejected();
  return value;
}

/** Go `int`: an integral JSON number within 64 bits. */
function int(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || !Number.isSafeInteger(value)) throw new Rejected();
  return value;
}

function withoutEmpty(labels: Record<string, string>): LabelSet {
  for (const key of Object.keys(labels)) if (labels[key] === "") delete labels[key];
  return labels;
}
