/**
 * Kuma's MADS v1 over the xDS v3 REST protocol, as Prometheus's HTTPResourceClient speaks it: the request is
 * the protobuf-JSON of an envoy `DiscoveryRequest` (proto field names, empty fields omitted), the answer a
 * protobuf-JSON `DiscoveryResponse` whose `resources` are `Any`s holding `MonitoringAssignment`s. Decoding
 * follows protojson with DiscardUnknown: both the proto and the JSON name of a field are accepted, unknown
 * fields are ignored, `null` is the default, a value of the wrong JSON type or an `Any` of a type Prometheus
 * does not register fails the answer. Labels as kuma.go's convertKumaV1MonitoringAssignment builds them.
 */
import { sanitizeLabelName } from "../../model/sanitize.js";

export const MADS_TYPE_URL = "type.googleapis.com/kuma.observability.v1.MonitoringAssignment";
const REGISTERED_TYPES = new Set([MADS_TYPE_URL, "type.googleapis.com/envoy.service.discovery.v3.DiscoveryRequest", "type.googleapis.com/envoy.service.discovery.v3.DiscoveryResponse"]);

export class MadsDecodeError extends Error {
  override readonly name = "MadsDecodeError";
}

/** The DiscoveryRequest body: `{"version_info":…,"node":{"id":…},"type_url":…,"response_nonce":…}`. */
export function discoveryRequestJson(clientId: string, versionInfo: string, nonce: string): string {
  const request: Record<string, unknown> = {};
  if (versionInfo !== "") request["version_info"] = versionInfo;
  request["node"] = clientId === "" ? {} : { id: clientId };
  request["type_url"] = MADS_TYPE_URL;
  if (nonce !== "") request["response_nonce"] = nonce;
  return JSON.stringify(request);
}

type JsonObject = Readonly<Record<string, unknown>>;

function object(value: unknown, what: string): JsonObject {
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new MadsDecodeError(`proto: (line 1:1): invalid value for ${what}: ${JSON.stringify(value)}`);
  return value as JsonObject; // checked: a non-array object
}

/** A field by its proto name or JSON name (protojson accepts both; both present is a duplicate). */
function field(message: JsonObject, protoName: string, jsonName: string): unknown {
  const hasProto = Object.hasOwn(message, protoName);
  const hasJson = protoName !== jsonName && Object.hasOwn(message, jsonName);
  if (hasProto && hasJson) throw new MadsDecodeError(`proto: duplicate field "${jsonName}"`);
  return hasProto ? message[protoName] : message[jsonName];
}

function str(message: JsonObject, protoName: string, jsonName = protoName): string {
  const value = field(message, protoName, jsonName);
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") throw new MadsDecodeError(`proto: invalid value for string field ${jsonName}: ${JSON.stringify(value)}`);
  return value;
}

function list(message: JsonObject, protoName: string, jsonName = protoName): readonly unknown[] {
  const value = field(message, protoName, jsonName);
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new MadsDecodeError(`proto: invalid value for list field ${jsonName}: ${JSON.stringify(value)}`);
  return value;
}

function stringMap(message: JsonObject, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object(field(message, name, name), `map field ${name}`))) {
    if (typeof value !== "string") throw new MadsDecodeError(`proto: invalid value for string field value: ${JSON.stringify(value)}`);
    out[key] = value;
  }
  return out;
}

export interface DiscoveryResponse {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly JsonObject[];
}

export function decodeDiscoveryResponse(body: unknown): DiscoveryResponse {
  const message = object(body, "envoy.service.discovery.v3.DiscoveryResponse");
  const resources = list(message, "resources").map((item) => {
    const resource = object(item, "google.protobuf.Any");
    const type = resource["@type"];
    if (typeof type !== "string" || type === "") throw new MadsDecodeError(`proto: missing "@type" field`);
    if (!REGISTERED_TYPES.has(type)) throw new MadsDecodeError(`proto: unable to resolve ${JSON.stringify(type)}: "not found"`);
    return resource;
  });
  return { versionInfo: str(message, "version_info", "versionInfo"), typeUrl: str(message, "type_url", "typeUrl"), nonce: str(message, "nonce"), resources };
}

function userLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) out[`__meta_kuma_label_${sanitizeLabelName(key)}`] = value;
  return out;
}

/** kumaMadsV1ResourceParser: every target of every assignment. */
export function assignmentsToTargets(response: DiscoveryResponse): Record<string, string>[] {
  if (response.typeUrl !== MADS_TYPE_URL) throw new MadsDecodeError(`received invalid typeURL for Kuma MADS v1 Resource: ${response.typeUrl}`);
  const targets: Record<string, string>[] = [];
  for (const resource of response.resources) {
    if (resource["@type"] !== MADS_TYPE_URL) throw new MadsDecodeError(`mismatched message type: got "${String(resource["@type"]).replace(/^.*\//, "")}", want "kuma.observability.v1.MonitoringAssignment"`);
    const common = { ...userLabels(stringMap(resource, "labels")), __meta_kuma_mesh: str(resource, "mesh"), __meta_kuma_service: str(resource, "service") };
    for (const item of list(resource, "targets")) {
      const target = object(item, "kuma.observability.v1.MonitoringAssignment.Target");
      const name = str(target, "name");
      // The assignment's labels win over the target's (model.LabelSet.Merge).
      targets.push({
        ...userLabels(stringMap(target, "labels")), ...common,
        __meta_kuma_dataplane: name, __address__: str(target, "address"), instance: name, __scheme__: str(target, "scheme"), __metrics_path__: str(target, "metrics_path", "metricsPath"),
      });
    }
  }
  return targets;
}
