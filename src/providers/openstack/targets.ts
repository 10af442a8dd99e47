/**
 * Pure functions from decoded OpenStack API objects to targets with Prometheus's `__meta_openstack_*` labels
 * (discovery/openstack/instance.go, hypervisor.go, loadbalancer.go).
 */
import { joinHostPort } from "../../model/address.js";
import type { LabelSet } from "../../model/labels.js";
import { setOwnLabel } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { Profile } from "../../profile.js";

const P = "__meta_openstack_";
export const META_OPENSTACK_ADDRESS_POOL = `${P}address_pool`;
export const META_OPENSTACK_INSTANCE_FLAVOR = `${P}instance_flavor`;
export const META_OPENSTACK_INSTANCE_ID = `${P}instance_id`;
export const META_OPENSTACK_INSTANCE_IMAGE = `${P}instance_image`;
export const META_OPENSTACK_INSTANCE_NAME = `${P}instance_name`;
export const META_OPENSTACK_INSTANCE_STATUS = `${P}instance_status`;
export const META_OPENSTACK_PRIVATE_IP = `${P}private_ip`;
export const META_OPENSTACK_PROJECT_ID = `${P}project_id`;
export const META_OPENSTACK_PUBLIC_IP = `${P}public_ip`;
export const META_OPENSTACK_TAG_PREFIX = `${P}tag_`;
export const META_OPENSTACK_USER_ID = `${P}user_id`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value : "");
/** Nova's hypervisor ids are numbers before microversion 2.53 and UUID strings after; gophercloud takes both. */
const idText = (value: unknown): string => (typeof value === "number" ? String(value) : text(value));

/** Floating IPs of instances: `deviceId fixedIp` → floating IP, and the set of floating addresses. */
export interface FloatingIpIndex {
  readonly byInstanceAndFixed: ReadonlyMap<string, string>;
  readonly floating: ReadonlySet<string>;
}
const key = (instanceId: string, fixed: string): string => `${instanceId} ${fixed}`;

/** 3.2+: Neutron floating IPs joined to their ports' device ids. */
export function neutronFloatingIps(ports: readonly unknown[], floatingIps: readonly unknown[]): FloatingIpIndex {
  const deviceOfPort = new Map<string, string>();
  for (const port of ports.filter(isRecord)) deviceOfPort.set(text(port["id"]), text(port["device_id"]));
  const byInstanceAndFixed = new Map<string, string>();
  const floating = new Set<string>();
  for (const ip of floatingIps.filter(isRecord)) {
    const portId = text(ip["port_id"]);
    const fixed = text(ip["fixed_ip_address"]);
    if (portId === "" || fixed === "") continue;
    const device = deviceOfPort.get(portId);
    if (device === undefined) continue; // Prometheus logs "Floating IP PortID not found in portList"
    byInstanceAndFixed.set(key(device, fixed), text(ip["floating_ip_address"]));
    floating.add(text(ip["floating_ip_address"]));
  }
  return { byInstanceAndFixed, floating };
}

/** 2.42: Nova's os-floating-ips, which name the instance directly. */
export function novaFloatingIps(floatingIps: readonly unknown[]): FloatingIpIndex {
  const byInstanceAndFixed = new Map<string, string>();
  const floating = new Set<string>();
  for (const ip of floatingIps.filter(isRecord)) {
    const instance = text(ip["instance_id"]);
    const fixed = text(ip["fixed_ip"]);
    if (instance === "" || fixed === "") continue;
    byInstanceAndFixed.set(key(instance, fixed), text(ip["ip"]));
    floating.add(text(ip["ip"]));
  }
  return { byInstanceAndFixed, floating };
}

function flavorLabel(flavor: unknown, profile: Profile): string | undefined {
  const f = isRecord(flavor) ? flavor : {};
  // 3.x prefers the flavor's name (Nova microversion 2.47+ embeds it), then its id; 2.42 knows only the id.
  if (profile === "v3" && typeof f["original_name"] === "string") return f["original_name"];
  return typeof f["id"] === "string" ? f["id"] : undefined;
}

/** One target per fixed address of every server that has addresses; floating addresses are not targets. */
export function instanceTargets(servers: readonly unknown[], floatingIps: FloatingIpIndex, port: number, profile: Profile): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const server of servers.filter(isRecord)) {
    const addresses = isRecord(server["addresses"]) ? server["addresses"] : {};
    if (Object.keys(addresses).length === 0) continue;
    const id = text(server["id"]);
    const flavor = flavorLabel(server["flavor"], profile);
    if (flavor === undefined) continue; // Prometheus: "Invalid type for flavor …", the server is skipped
    const labels: Record<string, string> = {
      [META_OPENSTACK_INSTANCE_ID]: id,
      [META_OPENSTACK_INSTANCE_STATUS]: text(server["status"]),
      [META_OPENSTACK_INSTANCE_NAME]: text(server["name"]),
      [META_OPENSTACK_PROJECT_ID]: text(server["tenant_id"]),
      [META_OPENSTACK_USER_ID]: text(server["user_id"]),
      [META_OPENSTACK_INSTANCE_FLAVOR]: flavor,
    };
    const image = isRecord(server["image"]) ? server["image"]["id"] : undefined;
    if (profile === "v3" && typeof image === "string") labels[META_OPENSTACK_INSTANCE_IMAGE] = image;
    const metadata = isRecord(server["metadata"]) ? server["metadata"] : {};
    for (const [name, value] of Object.entries(metadata)) setOwnLabel(labels, META_OPENSTACK_TAG_PREFIX + sanitizeLabelName(name), text(value));
    for (const [pool, list] of Object.entries(addresses)) {
      if (!Array.isArray(list)) continue;
      for (const address of list) {
        if (!isRecord(address) || typeof address["addr"] !== "string") continue;
        const addr = address["addr"];
        if (floatingIps.floating.has(addr)) continue;
        const target: Record<string, string> = { ...labels, [META_OPENSTACK_ADDRESS_POOL]: pool, [META_OPENSTACK_PRIVATE_IP]: addr };
        const publicIp = floatingIps.byInstanceAndFixed.get(key(id, addr));
        if (publicIp !== undefined) target[META_OPENSTACK_PUBLIC_IP] = publicIp;
        target["__address__"] = joinHostPort(addr, port);
        targets.push(target);
      }
    }
  }
  return targets;
}

export function hypervisorTargets(hypervisors: readonly unknown[], port: number): LabelSet[] {
  return hypervisors.filter(isRecord).map((h) => ({
    __address__: joinHostPort(text(h["host_ip"]), port),
    [`${P}hypervisor_id`]: idText(h["id"]),
    [`${P}hypervisor_hostname`]: text(h["hypervisor_hostname"]),
    [`${P}hypervisor_host_ip`]: text(h["host_ip"]),
    [`${P}hypervisor_status`]: text(h["status"]),
    [`${P}hypervisor_state`]: text(h["state"]),
    [`${P}hypervisor_type`]: text(h["hypervisor_type"]),
  }));
}

/** Load balancers with a PROMETHEUS listener (3.2+), scraped at their VIP on that listener's port. */
export function loadBalancerTargets(loadBalancers: readonly unknown[], listeners: readonly unknown[], floatingIps: readonly unknown[]): LabelSet[] {
  const prometheusPort = new Map<string, number>();
  for (const listener of listeners.filter(isRecord)) {
    const owners = Array.isArray(listener["loadbalancers"]) ? listener["loadbalancers"].filter(isRecord) : [];
    for (const owner of owners) {
      const id = text(owner["id"]);
      // The first PROMETHEUS listener of a load balancer wins, in listing order.
      if (listener["protocol"] === "PROMETHEUS" && !prometheusPort.has(id)) prometheusPort.set(id, typeof listener["protocol_port"] === "number" ? listener["protocol_port"] : 0);
    }
  }
  const floatingOfPort = new Map<string, string>();
  for (const ip of floatingIps.filter(isRecord)) if (text(ip["port_id"]) !== "") floatingOfPort.set(text(ip["port_id"]), text(ip["floating_ip_address"]));
  const targets: LabelSet[] = [];
  for (const lb of loadBalancers.filter(isRecord)) {
    const id = text(lb["id"]);
    const listenerPort = prometheusPort.get(id);
    if (listenerPort === undefined) continue;
    const vip = text(lb["vip_address"]);
    const labels: Record<string, string> = {
      __address__: joinHostPort(vip, listenerPort),
      [`${P}loadbalancer_id`]: id,
      [`${P}loadbalancer_name`]: text(lb["name"]),
      [`${P}loadbalancer_operating_status`]: text(lb["operating_status"]),
      [`${P}loadbalancer_provisioning_status`]: text(lb["provisioning_status"]),
      [`${P}loadbalancer_availability_zone`]: text(lb["availability_zone"]),
      [`${P}loadbalancer_vip`]: vip,
      [`${P}loadbalancer_provider`]: text(lb["provider"]),
      [META_OPENSTACK_PROJECT_ID]: text(lb["project_id"]),
    };
    const tags = Array.isArray(lb["tags"]) ? lb["tags"].map(text) : [];
    if (tags.length > 0) labels[`${P}loadbalancer_tags`] = tags.join(",");
    const floating = floatingOfPort.get(text(lb["vip_port_id"]));
    if (floating !== undefined) labels[`${P}loadbalancer_floating_ip`] = floating;
    targets.push(labels);
  }
  return targets;
}
