/**
 * `openstack_sd_configs` (Prometheus discovery/openstack/openstack.go SDConfig): Keystone v3 credentials,
 * `role`, `region`, `availability`, `all_tenants`, `port`, `tls_config`, `refresh_interval`. Checks run in
 * Prometheus's order: role value while decoding, then availability, role missing, region.
 */
import { readTlsConfig, type TlsConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type OpenStackRole = "instance" | "hypervisor" | "loadbalancer";
export type OpenStackAvailability = "public" | "internal" | "admin";

/** The Keystone v3 credentials, as gophercloud's AuthOptions carries them. */
export interface KeystoneCredentials {
  readonly identityEndpoint: string;
  readonly username: string;
  readonly userId: string;
  readonly password: Secret;
  readonly projectName: string;
  readonly projectId: string;
  readonly domainName: string;
  readonly domainId: string;
  readonly applicationCredentialName: string;
  readonly applicationCredentialId: string;
  readonly applicationCredentialSecret: Secret;
}

export interface OpenStackConfig {
  /** With an empty `identityEndpoint` the credentials come from the OS_* environment, as in Prometheus. */
  readonly credentials: KeystoneCredentials;
  readonly role: OpenStackRole;
  readonly region: string;
  readonly refreshIntervalMs: number;
  readonly port: number;
  readonly allTenants: boolean;
  readonly availability: OpenStackAvailability;
  readonly tlsConfig: TlsConfig;
  /** 2.42 reads floating IPs from Nova's os-floating-ips and labels flavors by id only. */
  readonly profile: Profile;
  /** promsd's cap on one API answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const OPENSTACK_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000, availability: "public", maxBodyBytes: 64 * 1024 * 1024 });

function readRole(reader: MapReader, profile: Profile): OpenStackRole | undefined {
  const text = reader.string("role");
  if (text === undefined || text === "") return undefined;
  const roles: readonly string[] = profile === "v2.42" ? ["instance", "hypervisor"] : ["instance", "hypervisor", "loadbalancer"];
  if (!roles.includes(text)) throw new ConfigError(reader.atKey("role"), `unknown OpenStack SD role ${JSON.stringify(text)}`, `use one of ${roles.join(", ")}`);
  return text as OpenStackRole; // checked against the list just above
}

export function parseOpenStackConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): OpenStackConfig {
  const reader = MapReader.open(node, at, "openstack.plain");
  const credentials: KeystoneCredentials = {
    identityEndpoint: reader.string("identity_endpoint") ?? "",
    username: reader.string("username") ?? "",
    userId: reader.string("userid") ?? "",
    password: reader.secret("password") ?? new Secret(""),
    projectName: reader.string("project_name") ?? "",
    projectId: reader.string("project_id") ?? "",
    domainName: reader.string("domain_name") ?? "",
    domainId: reader.string("domain_id") ?? "",
    applicationCredentialName: reader.string("application_credential_name") ?? "",
    applicationCredentialId: reader.string("application_credential_id") ?? "",
    applicationCredentialSecret: reader.secret("application_credential_secret") ?? new Secret(""),
  };
  const role = readRole(reader, ctx.profile);
  const region = reader.string("region") ?? "";
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? OPENSTACK_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? OPENSTACK_DEFAULTS.port;
  const allTenants = reader.bool("all_tenants") ?? false;
  const tlsConfig = readTlsConfig(reader.map("tls_config", "config.plain"), ctx);
  const availability = reader.string("availability") ?? OPENSTACK_DEFAULTS.availability;
  reader.finish();
  if (availability !== "public" && availability !== "internal" && availability !== "admin") {
    throw new ConfigError(reader.atKey("availability"), `unknown availability ${availability}, must be one of admin, internal or public`, "write public, internal or admin");
  }
  if (role === undefined) throw new ConfigError(reader.atKey("role"), `role missing (one of: instance, hypervisor${ctx.profile === "v3" ? ", loadbalancer" : ""})`, "set `role`");
  if (region === "") throw new ConfigError(reader.atKey("region"), "openstack SD configuration requires a region", "set `region` to the catalog region, e.g. RegionOne");
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  }
  return { credentials, role, region, refreshIntervalMs, port, allTenants, availability, tlsConfig, profile: ctx.profile, maxBodyBytes: OPENSTACK_DEFAULTS.maxBodyBytes };
}
