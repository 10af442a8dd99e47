/**
 * Nomad discovery (discovery/nomad, Prometheus 3.x), through Nomad's HTTP API as the Go client
 * (github.com/hashicorp/nomad/api) calls it: every `refresh_interval`, `GET /v1/services` then
 * `GET /v1/service/<url.PathEscape(name)>` for every service of every namespace stub, each with
 * `namespace`, `region` and `stale` (when `allow_stale`) query parameters in Go's sorted order. The path of
 * `server` is dropped (the Go client keeps only scheme, userinfo and host). Only status 200 is accepted
 * (`Unexpected response code: N (body)`). One group, source "Nomad", one target per registration.
 *
 * Prometheus polls; it does not use Nomad's blocking queries (no `index`/`wait`), and neither does promsd.
 * Deviations: answers are capped and bounded by `refresh_interval`; 429/503 are retried after Retry-After
 * (the shared cloud JSON client); NOMAD_* environment variables are not read.
 */
import { GoStruct, goStructList } from "../../cloud/go-json.js";
import { requestWithBackoff } from "../../cloud/json-api.js";
import { goUrlParseError } from "../../config/http-client.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import { joinHostPort } from "../../model/address.js";
import type { TargetGroup } from "../../model/target-group.js";
import { counter } from "../../metrics/registry.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { NomadConfig } from "./config.js";

/** Go's url.PathEscape. */
export function goPathEscape(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /^[A-Za-z0-9\-_.~$&+:=@]$/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Go's url.QueryEscape. */
function goQueryEscape(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const c = String.fromCharCode(byte);
    out += c === " " ? "+" : /^[A-Za-z0-9\-_.~]$/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Go's url.Parse error for "host:port" without a scheme (a scheme cannot start with a digit). */
function colonInFirstSegment(server: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(server)) return undefined;
  const firstSegment = server.split(/[/?#]/)[0] ?? "";
  return firstSegment.includes(":") ? `parse ${JSON.stringify(server)}: first path segment in URL cannot contain colon` : undefined;
}

/** scheme://[userinfo@]host of `server`, as the Go client rebuilds every request URL from it. */
function apiOrigin(server: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/?#]*)?/.exec(server)?.[0] ?? "";
}

/** url.Values.Encode of the client's parameters (sorted keys). */
function queryString(config: NomadConfig): string {
  const params: [string, string][] = [];
  if (config.namespace !== "") params.push(["namespace", config.namespace]);
  if (config.region !== "") params.push(["region", config.region]);
  if (config.allowStale) params.push(["stale", ""]);
  return params.length === 0 ? "" : `?${params.map(([k, v]) => `${k}=${goQueryEscape(v)}`).join("&")}`;
}

/** nomad.go refresh: the labels of one ServiceRegistration. */
export function registrationTarget(registration: GoStruct, tagSeparator: string): Record<string, string> {
  const address = registration.string("Address");
  const port = String(registration.int("Port"));
  const tags = registration.strings("Tags");
  const target: Record<string, string> = {
    __address__: joinHostPort(address, port),
    __meta_nomad_address: address,
    __meta_nomad_dc: registration.string("Datacenter"),
    __meta_nomad_node_id: registration.string("NodeID"),
    __meta_nomad_namespace: registration.string("Namespace"),
    __meta_nomad_service_address: address,
    __meta_nomad_service_id: registration.string("ID"),
    __meta_nomad_service_port: port,
    __meta_nomad_service: registration.string("ServiceName"),
  };
  if (tags.length > 0) target["__meta_nomad_tags"] = `${tagSeparator}${tags.join(tagSeparator)}${tagSeparator}`;
  return target;
}

export function createNomadDiscoverer(config: NomadConfig, deps: DiscovererDeps, options: { client?: HttpClient } = {}): Discoverer {
  // nomad.NewClient rejects an address url.Parse cannot read; Prometheus then fails to create the discoverer.
  const parseProblem = goUrlParseError(config.server) ?? colonInFirstSegment(config.server);
  if (parseProblem !== undefined) throw new SourceError("PROMSD_SOURCE_NOMAD_ADDRESS", `invalid address '${config.server}': ${parseProblem}`);
  const origin = apiOrigin(config.server);
  const query = queryString(config);
  // Prometheus counts failed List/Get calls here too, besides the shared refresh failure counter.
  const failures = counter(deps.registry, { name: "prometheus_sd_nomad_failures_total", help: "Number of nomad service discovery refresh failures." });

  async function get(client: HttpClient, path: string, signal: AbortSignal): Promise<unknown> {
    const url = `${origin}${path}${query}`;
    const response = await requestWithBackoff(client, url, { signal, maxBodyBytes: config.maxBodyBytes, mechanism: "nomad", wait: deps.sleep });
    if (response.status !== 200) throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `Unexpected response code: ${response.status} (${response.body.subarray(0, 512).toString("utf8")})`);
    try {
      return JSON.parse(response.body.toString("utf8")) as unknown;
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${url}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async function refresh(client: HttpClient, signal: AbortSignal): Promise<readonly TargetGroup[]> {
    let stubs: GoStruct[];
    try {
      stubs = goStructList(await get(client, "/v1/services", signal), "api.ServiceRegistrationListStub");
    } catch (error) {
      failures.inc();
      throw error;
    }
    const targets: Record<string, string>[] = [];
    for (const stub of stubs) {
      for (const service of stub.structs("Services", "api.ServiceRegistrationStub")) {
        try {
          // Built inside the try: a wrongly typed field is a decode error of this Get, as in Go.
          const instances = goStructList(await get(client, `/v1/service/${goPathEscape(service.string("ServiceName"))}`, signal), "api.ServiceRegistration");
          targets.push(...instances.map((instance) => registrationTarget(instance, config.tagSeparator)));
        } catch (error) {
          failures.inc();
          if (signal.aborted) throw error;
          throw new SourceError("PROMSD_SOURCE_NOMAD", `failed to fetch services: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      }
    }
    return [{ source: "Nomad", labels: {}, targets }];
  }

  return createRefreshDiscoverer({
    mechanism: "nomad",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "nomad_sd", registry: deps.registry, logger: deps.logger });
      return {
        refresh: (signal) => refresh(client, signal),
        close: () => {
          if (options.client === undefined) client.close();
        },
      };
    },
  }, deps);
}
