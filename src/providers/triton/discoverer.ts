/**
 * Triton discovery (Prometheus discovery/triton) against triton-cmon's discovery API over HTTPS with a
 * client certificate: every `refresh_interval`, GET `https://<endpoint>:<port>/v<version>/discover`
 * (role `container`) or `/v<version>/gz/discover` (role `cn`), with `?groups=a,b` when `groups` is set.
 * One group whose source is that URL; one target per container (`<vm_uuid>.<dns_suffix>:<port>`) or
 * compute node (`<server_uuid>.<dns_suffix>:<port>`).
 *
 * Deliberate difference: Prometheus parses the body whatever the status; promsd treats a non-2xx answer as
 * a failed refresh (the last good targets stay) instead of possibly reading an error body as "no targets".
 * The answer is size-capped, a 429/503 is retried with backoff, and the refresh is bounded by `refresh_interval`.
 */
import { GoStruct } from "../../cloud/go-json.js";
import { requestWithBackoff } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { queryEscape } from "../../targets/scrape-url.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { TritonConfig } from "./config.js";

const META = "__meta_triton_";

export function tritonDiscoveryUrl(config: TritonConfig): string {
  const path = config.role === "container" ? "discover" : "gz/discover";
  const url = `https://${config.endpoint}:${config.port}/v${config.version}/${path}`;
  return config.groups.length > 0 ? `${url}?groups=${queryEscape(config.groups.join(","))}` : url;
}

function address(config: TritonConfig, uuid: string): string {
  return `${uuid}.${config.dnsSuffix}:${config.port}`;
}

/** The discovery answer as Prometheus's DiscoveryResponse / ComputeNodeDiscoveryResponse read it. */
export function tritonTargets(config: TritonConfig, body: unknown): LabelSet[] {
  const response = GoStruct.of(body, config.role === "container" ? "triton.DiscoveryResponse" : "triton.ComputeNodeDiscoveryResponse");
  if (config.role === "cn") {
    return response.structs("cns", "triton.ComputeNode").map((cn) => ({
      [`${META}machine_id`]: cn.string("server_uuid"),
      [`${META}machine_alias`]: cn.string("server_hostname"),
      __address__: address(config, cn.string("server_uuid")),
    }));
  }
  return response.structs("containers", "triton.Container").map((container) => {
    const groups = container.strings("groups");
    return {
      [`${META}machine_id`]: container.string("vm_uuid"),
      [`${META}machine_alias`]: container.string("vm_alias"),
      [`${META}machine_brand`]: container.string("vm_brand"),
      [`${META}machine_image`]: container.string("vm_image_uuid"),
      [`${META}server_id`]: container.string("server_uuid"),
      __address__: address(config, container.string("vm_uuid")),
      ...(groups.length > 0 ? { [`${META}groups`]: `,${groups.join(",")},` } : {}),
    };
  });
}

export async function refreshTriton(config: TritonConfig, client: HttpClient, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const url = tritonDiscoveryUrl(config);
  const response = await requestWithBackoff(client, url, { mechanism: "triton", signal, wait, maxBodyBytes: config.maxBodyBytes }).catch((error: unknown) => {
    throw new SourceError("PROMSD_SOURCE_HTTP", `an error occurred when requesting targets from the discovery endpoint: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  if (response.status < 200 || response.status > 299) {
    throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `triton: ${url}: server returned HTTP status ${response.status} ${response.statusText}`.trimEnd());
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString("utf8")) as unknown;
  } catch (error) {
    const what = config.role === "container" ? "discovery response json" : "compute node discovery response json";
    throw new SourceError("PROMSD_SOURCE_BAD_BODY", `an error occurred unmarshaling the ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return [{ source: url, labels: {}, targets: tritonTargets(config, body) }];
}

export function createTritonDiscoverer(config: TritonConfig, deps: DiscovererDeps, options: { client?: HttpClient } = {}): Discoverer {
  return createRefreshDiscoverer(
    {
      mechanism: "triton",
      intervalMs: config.refreshIntervalMs,
      open: () => {
        const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "triton_sd", registry: deps.registry, logger: deps.logger });
        return { refresh: (signal) => refreshTriton(config, client, signal, deps.sleep), close: () => client.close() };
      },
    },
    deps,
  );
}
