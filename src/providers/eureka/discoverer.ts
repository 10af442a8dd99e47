/**
 * Eureka discovery (discovery/eureka): every `refresh_interval`, `GET <server>/apps` (no Accept header, so
 * Eureka answers XML), decoded as Go's encoding/xml does (./applications.ts), one group with source
 * "eureka" holding one target per instance: `<hostName>:<port>` (80 without a port element), `instance` =
 * the instance id, `__meta_eureka_*` labels as eureka.go's targetsForApp builds them. Built on the shared
 * refresh loop: a failed refresh is logged once, counted and emits nothing (last good targets kept).
 *
 * Deviation: the body is capped (EUREKA_DEFAULTS.maxBodyBytes) and a refresh is bounded by
 * `refresh_interval`; Prometheus reads any size and waits as long as the server keeps the connection.
 */
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import { joinHostPort } from "../../model/address.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";
import { decodeXmlBody, XmlTokenizer } from "../../xml/xml-tokenizer.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { decodeApplications, type EurekaApplication, type EurekaMetadataItem } from "./applications.js";
import type { EurekaConfig } from "./config.js";

export const EUREKA_APPS_PATH = "/apps";
const PREFIX = "__meta_eureka_app_instance_";

function addMetadata(target: Record<string, string>, prefix: string, items: readonly EurekaMetadataItem[] | undefined): void {
  for (const item of items ?? []) target[`${prefix}${sanitizeLabelName(item.name)}`] = item.content;
}

/** eureka.go targetsForApp, for every application in document order. */
export function applicationsToGroup(applications: readonly EurekaApplication[]): TargetGroup {
  const targets: Record<string, string>[] = [];
  for (const app of applications) {
    for (const t of app.instances) {
      const target: Record<string, string> = {
        __address__: joinHostPort(t.hostName, t.port === undefined ? "80" : t.port.port.toString()),
        instance: t.instanceId,
        __meta_eureka_app_name: app.name,
        [`${PREFIX}hostname`]: t.hostName,
        [`${PREFIX}homepage_url`]: t.homePageUrl,
        [`${PREFIX}statuspage_url`]: t.statusPageUrl,
        [`${PREFIX}healthcheck_url`]: t.healthCheckUrl,
        [`${PREFIX}ip_addr`]: t.ipAddr,
        [`${PREFIX}vip_address`]: t.vipAddress,
        [`${PREFIX}secure_vip_address`]: t.secureVipAddress,
        [`${PREFIX}status`]: t.status,
        [`${PREFIX}country_id`]: t.countryId.toString(),
        [`${PREFIX}id`]: t.instanceId,
      };
      if (t.port !== undefined) {
        target[`${PREFIX}port`] = t.port.port.toString();
        target[`${PREFIX}port_enabled`] = String(t.port.enabled);
      }
      if (t.securePort !== undefined) {
        target[`${PREFIX}secure_port`] = t.securePort.port.toString();
        target[`${PREFIX}secure_port_enabled`] = String(t.securePort.enabled);
      }
      if (t.dataCenterInfo !== undefined) {
        target[`${PREFIX}datacenterinfo_name`] = t.dataCenterInfo.name;
        addMetadata(target, `${PREFIX}datacenterinfo_metadata_`, t.dataCenterInfo.metadata);
      }
      addMetadata(target, `${PREFIX}metadata_`, t.metadata);
      targets.push(target);
    }
  }
  return { source: "eureka", labels: {}, targets };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One refresh: fetch, check the status, decode. Errors read as Prometheus's (`"<url>": <decode error>`). */
export async function fetchEurekaGroup(client: HttpClient, config: EurekaConfig, signal: AbortSignal): Promise<TargetGroup> {
  const url = `${config.server}${EUREKA_APPS_PATH}`;
  const response = await client.request(url, { signal, maxBodyBytes: config.maxBodyBytes });
  if (response.status < 200 || response.status > 299) {
    throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `non 2xx status '${response.status}' response during eureka service discovery`);
  }
  try {
    return applicationsToGroup(decodeApplications(new XmlTokenizer(decodeXmlBody(response.body))));
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_EUREKA_BODY", `${JSON.stringify(url)}: ${describeError(error)}`, { cause: error });
  }
}

export function createEurekaDiscoverer(config: EurekaConfig, deps: DiscovererDeps, options: { client?: HttpClient } = {}): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "eureka",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "eureka_sd", registry: deps.registry, logger: deps.logger });
      return {
        refresh: async (signal) => [await fetchEurekaGroup(client, config, signal)],
        close: () => {
          if (options.client === undefined) client.close();
        },
      };
    },
  }, deps);
}
