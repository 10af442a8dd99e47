/**
 * Parses member znode data into one target's labels (spec zookeeper.md 3.1, 3.2), with Go's JSON decoding
 * rules (common.md 8): field names case-insensitive, unknown fields ignored, a wrong type rejects the node,
 * `null` and `{}` accepted with zero values. A rejected node yields no target, as in Prometheus; unlike
 * Prometheus (silent), `checkMember` says why, so the discoverer can log and count it (issue 4).
 */
import { createHash } from "node:crypto";
import type { Logger } from "../../logging.js";
import { counter, type Registry } from "../../metrics/registry.js";
import { joinHostPort } from "../../model/address.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { MemberFormat } from "./config.js";

class Rejected extends Error {}

export const INVALID_MEMBERS_METRIC = "promsd_sd_zookeeper_invalid_members_total";

/**
 * Turns node events into groups (zookeeper.md 3): one target for valid member data, none otherwise. Unlike
 * Prometheus, non-empty data that is not a member is logged (warn) and counted in
 * promsd_sd_zookeeper_invalid_members_total once per node path and data: a resync or a repeated event for the
 * same bytes says nothing again, new invalid bytes on the node do. Empty data is what parent nodes normally
 * hold, so it is not a malformed member and is neither logged nor counted.
 */
export function memberGroups(format: MemberFormat, logger: Logger, registry: Registry): (path: string, data: Buffer | undefined) => TargetGroup {
  const invalid = counter(registry, {
    name: INVALID_MEMBERS_METRIC,
    help: "ZooKeeper znodes whose non-empty data is not a valid member, skipped without a target (once per node path and data).",
    labelNames: ["mechanism"],
  });
  invalid.inc({ mechanism: format }, 0); // exported as 0 from the start
  /** Path → digest of the data last reported as invalid (a digest: node data may be up to 1 MiB). */
  const reported = new Map<string, string>();
  return (path, data) => {
    const checked = data === undefined ? undefined : checkMember(format, path, data);
    if (data === undefined || checked === undefined || "labels" in checked) {
      reported.delete(path);
      return { source: path, labels: {}, targets: checked && "labels" in checked ? [checked.labels] : [] };
    }
    const digest = data.length > 0 ? createHash("sha256").update(data).digest("base64") : undefined;
    if (digest === undefined) reported.delete(path);
    else if (reported.get(path) !== digest) {
      reported.set(path, digest);
      invalid.inc({ mechanism: format });
      logger.warn({ path, mechanism: format, problem: checked.problem, bytes: data.length }, "ZooKeeper member data is not valid; skipping the node");
    }
    return { source: path, labels: {}, targets: [] };
  };
}

export type MemberCheck = { readonly labels: LabelSet } | { readonly problem: string };

export function parseMember(format: MemberFormat, path: string, data: Buffer): LabelSet | undefined {
  const checked = checkMember(format, path, data);
  return "labels" in checked ? checked.labels : undefined;
}

/** The member's labels, or why the data is not a member. Never throws. */
export function checkMember(format: MemberFormat, path: string, data: Buffer): MemberCheck {
  if (data.length === 0) return { problem: "empty data" };
  let json: unknown;
  try {
    json = JSON.parse(data.toString("utf8"));
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  try {
    return { labels: format === "serverset" ? serversetLabels(path, json) : nerveLabels(path, json) };
  } catch (error) {
    return { problem: error instanceof Rejected ? error.message : `unexpected: ${String(error)}` };
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
    if (typeof additional !== "object" || Array.isArray(additional)) throw new Rejected(`additionalEndpoints is ${kind(additional)}, not an object`);
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
  if (typeof value !== "object" || Array.isArray(value)) throw new Rejected(`${kind(value)} where an object was expected`);
  for (const [key, v] of Object.entries(value)) out.set(key.toLowerCase(), v);
  return out;
}

function str(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new Rejected(`${kind(value)} where a string was expected`);
  return value;
}

/** Go `int`: an integral JSON number within 64 bits. */
function int(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || !Number.isSafeInteger(value)) throw new Rejected(`${kind(value)} where an integer was expected`);
  return value;
}

function withoutEmpty(labels: Record<string, string>): LabelSet {
  for (const key of Object.keys(labels)) if (labels[key] === "") delete labels[key];
  return labels;
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return `the number ${value}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
