/**
 * DescribeInstances reservations → EC2 targets, label for label as Prometheus's `EC2Discovery.refresh`
 * (3.x discovery/aws/ec2.go; 2.42 under the v2.42 profile). The input is the SDK's output shape (also the
 * shape of the JSON fixtures), so the function is pure and runs from data in tests.
 *
 * 3.x vs 2.42: 3.x keeps an instance without a private IP when it has an IPv6 address on a VPC interface
 * (address `[ipv6]:port`) and adds `default_ipv6_address` and `primary_ipv6_addresses` (the primary IPv6 of
 * each interface at its device index, empty where an interface has none); 2.42 drops instances without a
 * private IP and has only `ipv6_addresses`.
 */
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";

export const EC2_LABEL = "__meta_ec2_";
const SEPARATOR = ",";

/** The fields of the SDK's `Reservation` that discovery reads. */
export interface Ec2Reservation {
  readonly OwnerId?: string | undefined;
  readonly Instances?: readonly Ec2Instance[] | undefined;
}

export interface Ec2Instance {
  readonly InstanceId?: string | undefined;
  readonly ImageId?: string | undefined;
  readonly PrivateIpAddress?: string | undefined;
  readonly PrivateDnsName?: string | undefined;
  readonly PublicIpAddress?: string | undefined;
  readonly PublicDnsName?: string | undefined;
  readonly Platform?: string | undefined;
  readonly Placement?: { readonly AvailabilityZone?: string | undefined } | undefined;
  readonly State?: { readonly Name?: string | undefined } | undefined;
  readonly InstanceType?: string | undefined;
  readonly InstanceLifecycle?: string | undefined;
  readonly Architecture?: string | undefined;
  readonly VpcId?: string | undefined;
  readonly SubnetId?: string | undefined;
  readonly NetworkInterfaces?: readonly Ec2NetworkInterface[] | undefined;
  readonly Tags?: readonly { readonly Key?: string | undefined; readonly Value?: string | undefined }[] | undefined;
}

export interface Ec2NetworkInterface {
  readonly SubnetId?: string | undefined;
  readonly Attachment?: { readonly DeviceIndex?: number | undefined } | undefined;
  readonly Ipv6Addresses?: readonly { readonly Ipv6Address?: string | undefined; readonly IsPrimaryIpv6?: boolean | undefined }[] | undefined;
}

export interface Ec2LabelContext {
  readonly region: string;
  readonly port: number;
  /** Zone name → zone ID from DescribeAvailabilityZones; undefined when that call failed. */
  readonly azToAzId: ReadonlyMap<string, string> | undefined;
  readonly profile: Profile;
}

/** `host:port` as Go's net.JoinHostPort writes it. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

const joinList = (items: readonly string[]): string => `${SEPARATOR}${items.join(SEPARATOR)}${SEPARATOR}`;

interface Ipv6Addresses {
  readonly defaultAddress: string | undefined;
  /** Undefined when no interface has a primary IPv6 (Go's nil slice: no label). */
  readonly primary: string[] | undefined;
  readonly all: string[] | undefined;
}

/** Go's getInstanceIPv6Addresses: only interfaces with a subnet of a VPC instance count. */
function instanceIpv6Addresses(instance: Ec2Instance): Ipv6Addresses {
  let primary: string[] | undefined;
  let all: string[] | undefined;
  if (instance.VpcId === undefined) return { defaultAddress: undefined, primary, all };
  for (const eni of instance.NetworkInterfaces ?? []) {
    if (eni.SubnetId === undefined) continue;
    for (const address of eni.Ipv6Addresses ?? []) {
      const ip = address.Ipv6Address ?? "";
      (all ??= []).push(ip);
      if (address.IsPrimaryIpv6 === true) {
        const deviceIndex = eni.Attachment?.DeviceIndex ?? 0;
        primary ??= [];
        // Padding keeps each address at its interface's device index, as Prometheus does.
        while (primary.length <= deviceIndex) primary.push("");
        primary[deviceIndex] = ip;
      }
    }
  }
  const defaultAddress = [...(primary ?? []), ...(all ?? [])].find((ip) => ip !== "");
  return { defaultAddress, primary, all };
}

/** One target per instance that has an address; the order is the API's. */
export function reservationsToTargets(reservations: readonly Ec2Reservation[], context: Ec2LabelContext): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const reservation of reservations) {
    for (const instance of reservation.Instances ?? []) {
      const target = instanceLabels(instance, reservation, context);
      if (target !== undefined) targets.push(target);
    }
  }
  return targets;
}

function instanceLabels(instance: Ec2Instance, reservation: Ec2Reservation, context: Ec2LabelContext): LabelSet | undefined {
  const isV3 = context.profile === "v3";
  const ipv6 = isV3 ? instanceIpv6Addresses(instance) : { defaultAddress: undefined, primary: undefined, all: undefined };
  if (instance.PrivateIpAddress === undefined && ipv6.defaultAddress === undefined) return undefined;
  const labels: Record<string, string> = {
    [`${EC2_LABEL}instance_id`]: instance.InstanceId ?? "",
    [`${EC2_LABEL}region`]: context.region,
  };
  if (reservation.OwnerId !== undefined) labels[`${EC2_LABEL}owner_id`] = reservation.OwnerId;
  if (ipv6.defaultAddress !== undefined) labels[`${EC2_LABEL}default_ipv6_address`] = ipv6.defaultAddress;
  const host = instance.PrivateIpAddress ?? ipv6.defaultAddress ?? "";
  if (instance.PrivateIpAddress !== undefined) labels[`${EC2_LABEL}private_ip`] = instance.PrivateIpAddress;
  labels["__address__"] = joinHostPort(host, context.port);
  if (instance.PrivateDnsName !== undefined) labels[`${EC2_LABEL}private_dns_name`] = instance.PrivateDnsName;
  // 3.x's Platform is an enum compared with ""; 2.42's a pointer compared with nil.
  if (instance.Platform !== undefined && (instance.Platform !== "" || !isV3)) labels[`${EC2_LABEL}platform`] = instance.Platform;
  if (instance.PublicIpAddress !== undefined) {
    labels[`${EC2_LABEL}public_ip`] = instance.PublicIpAddress;
    labels[`${EC2_LABEL}public_dns_name`] = instance.PublicDnsName ?? "";
  }
  if (ipv6.primary !== undefined) labels[`${EC2_LABEL}primary_ipv6_addresses`] = joinList(ipv6.primary);
  if (ipv6.all !== undefined) labels[`${EC2_LABEL}ipv6_addresses`] = joinList(ipv6.all);
  const zone = instance.Placement?.AvailabilityZone ?? "";
  labels[`${EC2_LABEL}ami`] = instance.ImageId ?? "";
  labels[`${EC2_LABEL}availability_zone`] = zone;
  labels[`${EC2_LABEL}availability_zone_id`] = context.azToAzId?.get(zone) ?? "";
  labels[`${EC2_LABEL}instance_state`] = instance.State?.Name ?? "";
  labels[`${EC2_LABEL}instance_type`] = instance.InstanceType ?? "";
  if (instance.InstanceLifecycle !== undefined && (instance.InstanceLifecycle !== "" || !isV3)) labels[`${EC2_LABEL}instance_lifecycle`] = instance.InstanceLifecycle;
  if (instance.Architecture !== undefined && (instance.Architecture !== "" || !isV3)) labels[`${EC2_LABEL}architecture`] = instance.Architecture;
  if (instance.VpcId !== undefined) addVpcLabels(labels, instance, isV3);
  for (const tag of instance.Tags ?? []) {
    if (tag.Key === undefined || tag.Value === undefined) continue;
    labels[`${EC2_LABEL}tag_${sanitizeLabelName(tag.Key)}`] = tag.Value;
  }
  return labels;
}

function addVpcLabels(labels: Record<string, string>, instance: Ec2Instance, isV3: boolean): void {
  labels[`${EC2_LABEL}vpc_id`] = instance.VpcId ?? "";
  labels[`${EC2_LABEL}primary_subnet_id`] = instance.SubnetId ?? "";
  const subnets: string[] = [];
  const ipv6: string[] = [];
  for (const eni of instance.NetworkInterfaces ?? []) {
    if (eni.SubnetId === undefined) continue;
    // Deduplicated, in the order EC2 returns the interfaces.
    if (!subnets.includes(eni.SubnetId)) subnets.push(eni.SubnetId);
    for (const address of eni.Ipv6Addresses ?? []) ipv6.push(address.Ipv6Address ?? "");
  }
  labels[`${EC2_LABEL}subnet_id`] = joinList(subnets);
  // 3.x computes ipv6_addresses in instanceIpv6Addresses; 2.42 here, with the same rule.
  if (!isV3 && ipv6.length > 0) labels[`${EC2_LABEL}ipv6_addresses`] = joinList(ipv6);
}
