/**
 * Uyuni discovery (discovery/uyuni): XML-RPC over HTTP POST to `<server>/rpc/api` (./xmlrpc.ts is kolo's
 * codec). Every `refresh_interval`: `auth.login(username, password, 600)` when the token is older than half
 * its 10-minute life, then `system.listSystemGroupsForSystemsWithEntitlement(token, entitlement)`,
 * `system.monitoring.listEndpoints(token, ids)` and `system.getNetworkForSystems(token, ids)`, in
 * Prometheus's order; one target per endpoint at `<hostname>:<port>`, one group whose source is the API URL.
 * A failed call forces a new login at the next refresh, as Prometheus does. Cookies set by the server are
 * sent back within one refresh (kolo's per-client cookie jar).
 *
 * Deviations: each answer is capped and a refresh is bounded by `refresh_interval` (Prometheus's refresh
 * ignores its context, so a silent server stalls Uyuni discovery for good); promsd sends its own User-Agent.
 */
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import { decodeXmlBody } from "../../xml/xml-tokenizer.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { UyuniConfig } from "./config.js";
import { decodeMethodResponse, encodeMethodCall, type XmlRpcArgument, type XmlRpcType, type XmlRpcValue } from "./xmlrpc.js";

const TOKEN_LIFETIME_SECONDS = 600;

const str = { kind: "string" } as const;
const int = { kind: "int" } as const;
const GROUP_TYPE: XmlRpcType = { kind: "struct", fields: { id: int, name: str } };
const SYSTEM_GROUPS_TYPE: XmlRpcType = { kind: "slice", of: { kind: "struct", fields: { id: int, system_groups: { kind: "slice", of: GROUP_TYPE } } } };
const NETWORK_TYPE: XmlRpcType = { kind: "slice", of: { kind: "struct", fields: { system_id: int, hostname: str, primary_fqdn: str, ip: str } } };
const ENDPOINT_TYPE: XmlRpcType = {
  kind: "slice",
  of: { kind: "struct", fields: { system_id: int, endpoint_name: str, port: int, path: str, module: str, exporter_name: str, tls_enabled: { kind: "bool" } } },
};

// The decoded shapes of the types above (the decoder fills every field with its value or Go's zero value).
interface SystemGroups { id: bigint; system_groups: { id: bigint; name: string }[] }
interface NetworkInfo { system_id: bigint; hostname: string; primary_fqdn: string; ip: string }
interface EndpointInfo { system_id: bigint; endpoint_name: string; port: bigint; path: string; module: string; exporter_name: string; tls_enabled: boolean }

/** Go's `url.Parse(server)` with `Path = path.Join(Path, "/rpc/api")`, printed by `String()`. */
export function uyuniApiUrl(server: string): string {
  const fragmentAt = server.indexOf("#");
  const fragment = fragmentAt === -1 ? "" : server.slice(fragmentAt);
  const beforeFragment = fragmentAt === -1 ? server : server.slice(0, fragmentAt);
  const queryAt = beforeFragment.indexOf("?");
  const query = queryAt === -1 ? "" : beforeFragment.slice(queryAt);
  const base = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const authority = /^([A-Za-z][A-Za-z0-9+.-]*:)?(\/\/[^/]*)?/.exec(base)?.[0] ?? "";
  return `${authority}${goPathClean(`${base.slice(authority.length)}/rpc/api`)}${query}${fragment}`;
}

/** Go's path.Clean for an absolute-or-relative slash path. */
function goPathClean(path: string): string {
  const rooted = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}

export interface UyuniOptions {
  readonly client?: HttpClient;
  /** Wall clock for the token's lifetime; Date.now by default. */
  readonly now?: () => number;
}

export function createUyuniDiscoverer(config: UyuniConfig, deps: DiscovererDeps, options: UyuniOptions = {}): Discoverer {
  const apiUrl = uyuniApiUrl(config.server);
  const now = options.now ?? Date.now;
  let token = "";
  let tokenExpiresAtMs = 0;

  async function refresh(client: HttpClient, signal: AbortSignal): Promise<readonly TargetGroup[]> {
    const cookies = new Map<string, string>();
    const call = async (method: string, args: readonly XmlRpcArgument[], type: XmlRpcType): Promise<XmlRpcValue> => {
      const headers: Record<string, string> = { "content-type": "text/xml" };
      if (cookies.size > 0) headers["cookie"] = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const response = await client.request(apiUrl, { method: "POST", body: encodeMethodCall(method, args), headers, signal, maxBodyBytes: config.maxBodyBytes });
      for (const line of (response.headers["set-cookie"] ?? "").split(/,(?=[^;,]+=)/)) {
        const pair = line.split(";")[0]?.trim() ?? "";
        const eq = pair.indexOf("=");
        if (eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      if (response.status < 200 || response.status > 299) throw new Error(`request error: bad status code - ${response.status}`);
      return decodeMethodResponse(decodeXmlBody(response.body), type);
    };
    const step = async <T>(prefix: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        if (signal.aborted) throw error;
        throw new SourceError("PROMSD_SOURCE_UYUNI", `${prefix}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    };

    if (now() > tokenExpiresAtMs) {
      token = "";
      token = await step("unable to login to Uyuni API", async () => (await call("auth.login", [config.username, config.password.reveal(), TOKEN_LIFETIME_SECONDS], str)) as string);
      tokenExpiresAtMs = now() + (TOKEN_LIFETIME_SECONDS * 1000) / 2;
    }
    try {
      const groups = await step("unable to get the managed system groups information of monitored clients", async () => (await call("system.listSystemGroupsForSystemsWithEntitlement", [token, config.entitlement], SYSTEM_GROUPS_TYPE)) as unknown as SystemGroups[]);
      // A map keyed by system id, as in Prometheus (a repeated id keeps the last entry).
      const groupsBySystem = new Map<bigint, SystemGroups["system_groups"]>();
      for (const entry of groups) groupsBySystem.set(entry.id, entry.system_groups);
      const ids = [...groupsBySystem.keys()];
      const endpoints = await step("unable to get endpoints information", async () => (await call("system.monitoring.listEndpoints", [token, ids], ENDPOINT_TYPE)) as unknown as EndpointInfo[]);
      const networks = await step("unable to get the systems network information", async () => (await call("system.getNetworkForSystems", [token, ids], NETWORK_TYPE)) as unknown as NetworkInfo[]);
      const networkBySystem = new Map<bigint, NetworkInfo>();
      for (const network of networks) networkBySystem.set(network.system_id, network);
      return [{ source: apiUrl, labels: {}, targets: endpoints.map((endpoint) => endpointTarget(endpoint, groupsBySystem.get(endpoint.system_id) ?? [], networkBySystem.get(endpoint.system_id), config.separator)) }];
    } catch (error) {
      tokenExpiresAtMs = now(); // log in again at the next refresh
      throw error;
    }
  }

  return createRefreshDiscoverer({
    mechanism: "uyuni",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "uyuni_sd", registry: deps.registry, logger: deps.logger });
      return {
        refresh: (signal) => refresh(client, signal),
        close: () => {
          if (options.client === undefined) client.close();
        },
      };
    },
  }, deps);
}

/** uyuni.go getEndpointLabels. */
export function endpointTarget(endpoint: EndpointInfo, groups: readonly { name: string }[], network: NetworkInfo | undefined, separator: string): Record<string, string> {
  const hostname = network?.hostname ?? "";
  return {
    __address__: `${hostname}:${endpoint.port}`,
    __meta_uyuni_minion_hostname: hostname,
    __meta_uyuni_primary_fqdn: network?.primary_fqdn ?? "",
    __meta_uyuni_system_id: endpoint.system_id.toString(),
    __meta_uyuni_groups: groups.map((g) => g.name).join(separator),
    __meta_uyuni_endpoint_name: endpoint.endpoint_name,
    __meta_uyuni_exporter: endpoint.exporter_name,
    __meta_uyuni_proxy_module: endpoint.module,
    __meta_uyuni_metrics_path: endpoint.path,
    __meta_uyuni_scheme: endpoint.tls_enabled ? "https" : "http",
  };
}
