/**
 * `kubernetes_sd_configs` (spec kubernetes.md 1): role, connection (api_server / kubeconfig_file /
 * in-cluster), namespaces, per-role selectors, attach_metadata and the inlined HTTP client block, checked
 * in Prometheus's order with its messages (1.2). Only the v3 profile reaches this parser: Debian's 2.42
 * has no Kubernetes SD, so there the key is an unknown field.
 */
import { goUrlParseError, readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { goQuote } from "../../model/go-quote.js";
import { KUBERNETES_ROLES, type KubernetesRole } from "./roles/index.js";
import type { AttachMetadata } from "./roles/labels.js";
import { fieldSelectorProblem, labelSelectorProblem } from "./selectors.js";

export interface KubernetesSelector {
  readonly role: KubernetesRole;
  readonly label: string;
  readonly field: string;
}

export interface KubernetesNamespaces {
  readonly names: readonly string[];
  readonly ownNamespace: boolean;
}

export interface KubernetesConfig {
  readonly role: KubernetesRole;
  /** As written (may carry a path prefix); undefined when unset. */
  readonly apiServer: string | undefined;
  /** Resolved against the config directory; undefined when unset. */
  readonly kubeconfigFile: string | undefined;
  readonly httpClient: HttpClientConfig;
  readonly namespaces: KubernetesNamespaces;
  readonly selectors: readonly KubernetesSelector[];
  readonly attachMetadata: AttachMetadata;
}

export const NO_ATTACH_METADATA: AttachMetadata = Object.freeze({ node: false, namespace: false, deployment: false, job: false, cronjob: false });

/** Allowed selector roles per configured role, in Prometheus's order (spec 1.2 step 9.2, 3.11+). */
const ALLOWED_SELECTORS: Readonly<Record<KubernetesRole, readonly KubernetesRole[]>> = {
  pod: ["pod", "node"],
  service: ["service"],
  endpoints: ["pod", "service", "endpoints"],
  endpointslice: ["pod", "service", "endpointslice"],
  node: ["node"],
  ingress: ["ingress"],
};

function isRole(value: string): value is KubernetesRole {
  return (KUBERNETES_ROLES as readonly string[]).includes(value);
}

/** Role.UnmarshalYAML: an unknown value fails while decoding, before any other check. */
function readRole(reader: MapReader, key: string): KubernetesRole | "" {
  const value = reader.string(key) ?? "";
  if (value === "" || isRole(value)) return value;
  throw new ConfigError(reader.atKey(key), `unknown Kubernetes SD role ${goQuote(value)}`, `use one of ${KUBERNETES_ROLES.join(", ")}`);
}

function readSelectors(reader: MapReader): { role: KubernetesRole | ""; label: string; field: string; at: ConfigLocation }[] {
  return (reader.list("selectors", "[]kubernetes.SelectorConfig") ?? []).map(({ value, at }) => {
    const r = MapReader.open(value, at, "kubernetes.SelectorConfig");
    const selector = { role: readRole(r, "role"), label: r.string("label") ?? "", field: r.string("field") ?? "", at };
    r.finish();
    return selector;
  });
}

function readAttachMetadata(reader: MapReader): AttachMetadata {
  const r = reader.map("attach_metadata", "kubernetes.AttachMetadataConfig");
  if (r === undefined) return NO_ATTACH_METADATA;
  const attach = {
    node: r.bool("node") ?? false,
    namespace: r.bool("namespace") ?? false,
    deployment: r.bool("deployment") ?? false,
    job: r.bool("job") ?? false,
    cronjob: r.bool("cronjob") ?? false,
  };
  r.finish();
  return attach;
}

/** "Differs from its defaults" of spec 1.2: a deep comparison with an untouched client block. */
export function isDefaultHttpClient(c: HttpClientConfig): boolean {
  const tls = c.tlsConfig;
  const isDefaultTls = tls.ca === "" && tls.caFile === "" && tls.cert === "" && tls.certFile === "" && tls.key.isEmpty &&
    tls.keyFile === "" && tls.serverName === "" && !tls.insecureSkipVerify && tls.minVersion === "" && tls.maxVersion === "";
  return isDefaultTls && c.basicAuth === undefined && c.authorization === undefined && c.oauth2 === undefined &&
    c.proxyUrl === "" && c.noProxy === "" && !c.proxyFromEnvironment && c.proxyConnectHeader.size === 0 &&
    c.followRedirects && c.enableHttp2 && c.httpHeaders.size === 0;
}

export function parseKubernetesConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): KubernetesConfig {
  const reader = MapReader.open(node, at, "kubernetes.plain");
  const role = readRole(reader, "role");
  const apiServer = reader.string("api_server");
  // config.URL unmarshals through url.Parse, so a malformed URL fails while decoding.
  const urlProblem = apiServer === undefined ? undefined : goUrlParseError(apiServer);
  if (urlProblem !== undefined) throw new ConfigError(reader.atKey("api_server"), urlProblem, "write a URL such as https://kubernetes.example.com:6443");
  const kubeconfigRaw = reader.string("kubeconfig_file") ?? "";
  const nsReader = reader.map("namespaces", "kubernetes.plain");
  const names = nsReader?.stringList("names") ?? [];
  const ownNamespace = nsReader?.bool("own_namespace") ?? false;
  nsReader?.finish();
  const selectors = readSelectors(reader);
  const attachMetadata = readAttachMetadata(reader);
  // Read now (decode errors first); Go's Validate runs after the role check, as in Prometheus.
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (role === "") fail("role", "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)", "set `role`");
  const httpClient = unvalidatedClient.validate();
  const hasApiServer = apiServer !== undefined && apiServer !== "";
  const hasKubeconfig = kubeconfigRaw !== "";
  const isCustomClient = !isDefaultHttpClient(httpClient);
  if (hasApiServer && hasKubeconfig) fail("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously", "keep only one of them");
  if (hasKubeconfig && isCustomClient) fail("kubeconfig_file", "cannot use a custom HTTP client configuration together with 'kubeconfig_file'", "put credentials and TLS settings into the kubeconfig file");
  if (!hasApiServer && isCustomClient) fail("api_server", "to use custom HTTP client configuration please provide the 'api_server' URL explicitly", "set `api_server`");
  if (hasApiServer && ownNamespace) fail("namespaces", "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously", "own_namespace works only in-cluster");
  if (hasKubeconfig && ownNamespace) fail("namespaces", "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously", "own_namespace works only in-cluster");
  const configuredRole = role as KubernetesRole;
  const seen = new Set<string>();
  const checked: KubernetesSelector[] = [];
  for (const selector of selectors) {
    const problem = selectorProblem(configuredRole, selector, seen);
    if (problem !== undefined) throw new ConfigError(selector.at, problem, "fix the selector");
    checked.push({ role: selector.role as KubernetesRole, label: selector.label, field: selector.field });
  }
  return {
    role: configuredRole,
    apiServer: hasApiServer ? apiServer : undefined,
    kubeconfigFile: hasKubeconfig ? resolveConfigPath(kubeconfigRaw, ctx.configDir) : undefined,
    httpClient,
    namespaces: { names, ownNamespace },
    selectors: checked,
    attachMetadata,
  };
}

function selectorProblem(role: KubernetesRole, selector: { role: string; label: string; field: string }, seen: Set<string>): string | undefined {
  if (seen.has(selector.role)) return `duplicated selector role: ${selector.role}`;
  seen.add(selector.role);
  const allowed = ALLOWED_SELECTORS[role];
  if (!(allowed as readonly string[]).includes(selector.role)) return `${role} role supports only ${allowed.join(", ")} selectors`;
  return fieldSelectorProblem(selector.field) ?? labelSelectorProblem(selector.label);
}
