/**
 * GetInstances → Lightsail targets, label for label as Prometheus's `LightsailDiscovery.refresh`
 * (discovery/aws/lightsail.go; the same in 2.42 and 3.x): instances without a private IP are skipped, the
 * address is the private IP and the configured port, IPv6 addresses are joined with commas around them.
 * The input is the SDK's output shape (also the fixtures' shape).
 */
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import { joinHostPort } from "../ec2/instances.js";

export const LIGHTSAIL_LABEL = "__meta_lightsail_";

export interface LightsailInstance {
  readonly name?: string | undefined;
  readonly location?: { readonly availabilityZone?: string | undefined } | undefined;
  readonly blueprintId?: string | undefined;
  readonly bundleId?: string | undefined;
  readonly state?: { readonly name?: string | undefined } | undefined;
  readonly supportCode?: string | undefined;
  readonly privateIpAddress?: string | undefined;
  readonly publicIpAddress?: string | undefined;
  readonly ipv6Addresses?: readonly string[] | undefined;
  readonly tags?: readonly { readonly key?: string | undefined; readonly value?: string | undefined }[] | undefined;
}

export function lightsailInstancesToTargets(instances: readonly LightsailInstance[], context: { readonly region: string; readonly port: number }): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const instance of instances) {
    if (instance.privateIpAddress === undefined) continue;
    const labels: Record<string, string> = {
      [`${LIGHTSAIL_LABEL}availability_zone`]: instance.location?.availabilityZone ?? "",
      [`${LIGHTSAIL_LABEL}blueprint_id`]: instance.blueprintId ?? "",
      [`${LIGHTSAIL_LABEL}bundle_id`]: instance.bundleId ?? "",
      [`${LIGHTSAIL_LABEL}instance_name`]: instance.name ?? "",
      [`${LIGHTSAIL_LABEL}instance_state`]: instance.state?.name ?? "",
      [`${LIGHTSAIL_LABEL}instance_support_code`]: instance.supportCode ?? "",
      [`${LIGHTSAIL_LABEL}private_ip`]: instance.privateIpAddress,
      [`${LIGHTSAIL_LABEL}region`]: context.region,
      __address__: joinHostPort(instance.privateIpAddress, context.port),
    };
    if (instance.publicIpAddress !== undefined) labels[`${LIGHTSAIL_LABEL}public_ip`] = instance.publicIpAddress;
    const ipv6 = instance.ipv6Addresses ?? [];
    if (ipv6.length > 0) labels[`${LIGHTSAIL_LABEL}ipv6_addresses`] = `,${ipv6.join(",")},`;
    for (const tag of instance.tags ?? []) {
      if (tag.key === undefined || tag.value === undefined) continue;
      labels[`${LIGHTSAIL_LABEL}tag_${sanitizeLabelName(tag.key)}`] = tag.value;
    }
    targets.push(labels);
  }
  return targets;
}
