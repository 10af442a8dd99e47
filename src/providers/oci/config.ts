/**
 * `oci_sd_configs` (Prometheus discovery/oci, 3.14+): auth (`api_key` default, or `instance_principal`),
 * tenancy, user, fingerprint, key_file, key_passphrase / key_passphrase_file, region, compartments, port
 * (80), refresh_interval (60s) and the HTTP client block inline. Checks in Prometheus's order (validate()).
 */
import { readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import { formatDuration } from "../../config/duration.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type OciAuth = "api_key" | "instance_principal";

export interface OciConfig {
  readonly auth: OciAuth;
  readonly tenancy: string;
  readonly user: string;
  readonly fingerprint: string;
  /** Resolved against the config directory. */
  readonly keyFile: string;
  readonly keyPassphrase: Secret;
  readonly keyPassphraseFile: string;
  readonly region: string;
  readonly compartments: readonly string[];
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap per answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const OCI_DEFAULTS = Object.freeze({ auth: "api_key", port: 80, refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseOciConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): OciConfig {
  const reader = MapReader.open(node, at, "oci.plain");
  const auth = reader.string("auth") ?? OCI_DEFAULTS.auth;
  const tenancy = reader.string("tenancy") ?? "";
  const user = reader.string("user") ?? "";
  const fingerprint = reader.string("fingerprint") ?? "";
  const keyFile = resolveConfigPath(reader.string("key_file") ?? "", ctx.configDir);
  const keyPassphrase = reader.secret("key_passphrase") ?? new Secret("");
  const keyPassphraseFile = resolveConfigPath(reader.string("key_passphrase_file") ?? "", ctx.configDir);
  const region = reader.string("region") ?? "";
  const compartments = reader.stringList("compartments") ?? [];
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const port = reader.int("port") ?? OCI_DEFAULTS.port;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? OCI_DEFAULTS.refreshIntervalMs;
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (region === "") fail("region", "oci_sd: region is required", "set region, e.g. us-ashburn-1");
  if (auth === "api_key") {
    if (tenancy === "") fail("tenancy", "oci_sd: api_key auth requires tenancy", "set tenancy to the tenancy OCID");
    if (user === "") fail("user", "oci_sd: api_key auth requires user", "set user to the user OCID");
    if (fingerprint === "") fail("fingerprint", "oci_sd: api_key auth requires fingerprint", "set the API key's fingerprint");
    if (keyFile === "") fail("key_file", "oci_sd: api_key auth requires key_file", "set key_file to the API signing key (PEM)");
    if (!keyPassphrase.isEmpty && keyPassphraseFile !== "") fail("key_passphrase", "oci_sd: at most one of key_passphrase and key_passphrase_file must be configured", "keep only one of them");
  } else if (auth === "instance_principal") {
    if (tenancy !== "" || user !== "" || fingerprint !== "" || keyFile !== "" || !keyPassphrase.isEmpty || keyPassphraseFile !== "") {
      fail("auth", "oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set", "remove the api_key settings");
    }
  } else {
    fail("auth", `oci_sd: unknown auth method ${JSON.stringify(auth)}, expected "api_key" or "instance_principal"`, "use api_key or instance_principal");
  }
  compartments.forEach((id, i) => {
    if (id === "") fail("compartments", `oci_sd: compartments[${i}] must not be empty`, "remove the empty entry");
  });
  if (refreshIntervalMs <= 0) fail("refresh_interval", `oci_sd: refresh_interval must be positive, got ${formatDuration(refreshIntervalMs)}`, 'use e.g. "60s"');
  const httpClient = unvalidatedClient.validate();
  return { auth: auth as OciAuth, tenancy, user, fingerprint, keyFile, keyPassphrase, keyPassphraseFile, region, compartments, port, refreshIntervalMs, httpClient, maxBodyBytes: OCI_DEFAULTS.maxBodyBytes };
}
