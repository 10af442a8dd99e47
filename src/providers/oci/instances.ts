/**
 * OCI instances → targets, as Prometheus's oci.go builds them: the primary VNIC (first ATTACHED attachment
 * whose VNIC says `isPrimary`) gives the address (private IP, else public, else the first of its sorted
 * IPv6 addresses) and the VNIC labels; freeform tags and scalar defined tags become labels.
 */
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";

const P = "__meta_oci_";

export interface PrimaryVnic {
  readonly id: string;
  readonly privateIp: string;
  readonly publicIp: string;
  /** Sorted, as Prometheus sorts them. */
  readonly ipv6Addresses: readonly string[];
  readonly hostnameLabel: string;
}

export const NO_VNIC: PrimaryVnic = Object.freeze({ id: "", privateIp: "", publicIp: "", ipv6Addresses: [], hostnameLabel: "" });

export function primaryVnicOf(vnic: unknown): PrimaryVnic | undefined {
  const v = GoStruct.of(vnic, "core.Vnic");
  if (!v.bool("isPrimary")) return undefined;
  return { id: v.string("id"), privateIp: v.string("privateIp"), publicIp: v.string("publicIp"), ipv6Addresses: [...v.strings("ipv6Addresses")].sort(), hostnameLabel: v.string("hostnameLabel") };
}

export function hasAddress(vnic: PrimaryVnic): boolean {
  return vnic.privateIp !== "" || vnic.publicIp !== "" || vnic.ipv6Addresses.length > 0;
}

/** Prometheus's stringifyDefinedTag for a JSON value: strings, booleans and numbers; others are skipped. */
export function stringifyDefinedTag(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return String(value); // Go's FormatFloat(v, 'f', -1, 64) for every usual value
  return undefined;
}

export function joinIpv6(addresses: readonly string[]): string {
  return addresses.length === 0 ? "" : `,${addresses.join(",")},`;
}

export function instanceLabels(instance: GoStruct, vnic: PrimaryVnic, tenancy: string, port: number): LabelSet {
  const address = vnic.privateIp || vnic.publicIp || vnic.ipv6Addresses[0] || "";
  const labels: Record<string, string> = {
    __address__: joinHostPort(address, port),
    [`${P}instance_id`]: instance.string("id"),
    [`${P}instance_name`]: instance.string("displayName"),
    [`${P}instance_state`]: instance.string("lifecycleState"),
    [`${P}instance_shape`]: instance.string("shape"),
    [`${P}availability_domain`]: instance.string("availabilityDomain"),
    [`${P}fault_domain`]: instance.string("faultDomain"),
    [`${P}region`]: instance.string("region"),
    [`${P}tenancy_id`]: tenancy,
    [`${P}compartment_id`]: instance.string("compartmentId"),
    [`${P}image_id`]: instance.string("imageId"),
    [`${P}vnic_id`]: vnic.id,
    [`${P}private_ip`]: vnic.privateIp,
    [`${P}public_ip`]: vnic.publicIp,
    [`${P}hostname_label`]: vnic.hostnameLabel,
    [`${P}ipv6_addresses`]: joinIpv6(vnic.ipv6Addresses),
  };
  for (const [key, value] of Object.entries(instance.stringMap("freeformTags"))) labels[`${P}tag_${sanitizeLabelName(key)}`] = value;
  const defined = instance.raw("definedTags");
  if (defined !== null && typeof defined === "object" && !Array.isArray(defined)) {
    for (const [namespace, tags] of Object.entries(defined as Record<string, unknown>)) { // checked: an object
      if (tags === null || typeof tags !== "object" || Array.isArray(tags)) continue;
      for (const [key, value] of Object.entries(tags as Record<string, unknown>)) { // checked: an object
        const text = stringifyDefinedTag(value);
        if (text !== undefined) labels[`${P}defined_tag_${sanitizeLabelName(namespace)}_${sanitizeLabelName(key)}`] = text;
      }
    }
  }
  return labels;
}
