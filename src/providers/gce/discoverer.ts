/**
 * GCE discovery (Prometheus discovery/gce): every refresh GETs
 * `https://compute.googleapis.com/compute/v1/projects/<project>/zones/<zone>/instances` (with `filter`),
 * following `nextPageToken` as the Go client's `Pages` does, with a bearer token from Google's application
 * default credentials (./credentials.ts, loaded in `open`). One group, source `GCE_<project>_<zone>`,
 * one target per instance with a network interface (./instances.ts).
 *
 * Transport as Go's default one, which Prometheus uses here: HTTPS_PROXY/NO_PROXY from the environment and
 * SSL_CERT_FILE, when set, as the only trusted CAs. Unlike Prometheus, each answer is capped, 429/503 are
 * retried after Retry-After, a 401 is retried once with new credentials, and a refresh is bounded by
 * `refresh_interval`. Credentials are looked up when discovery starts, not when the config loads.
 */
import { collectPages, requestWithBackoff } from "../../cloud/json-api.js";
import { tlsOnlyHttpClientConfig, type TlsConfig } from "../../config/http-client.js";
import { Secret } from "../../config/secret.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { GceConfig } from "./config.js";
import { createGoogleTokenSource, type GoogleTokenSource } from "./credentials.js";
import { instanceTarget } from "./instances.js";

export const COMPUTE_BASE_URL = "https://compute.googleapis.com/compute/v1/";

export interface GceOptions {
  /** Where SSL_CERT_FILE is read (default process.env); HTTPS_PROXY is read by the HTTP client. */
  readonly env?: NodeJS.ProcessEnv;
}

function goDefaultTls(env: NodeJS.ProcessEnv): TlsConfig {
  return {
    ca: "", caFile: env["SSL_CERT_FILE"] ?? "", cert: "", certFile: "", key: new Secret(""), keyFile: "",
    serverName: "", insecureSkipVerify: false, minVersion: "", maxVersion: "",
  };
}

export function createGceDiscoverer(config: GceConfig, deps: DiscovererDeps, options: GceOptions = {}): Discoverer {
  const source = `GCE_${config.project}_${config.zone}`;
  return createRefreshDiscoverer({
    mechanism: "gce",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient({ ...tlsOnlyHttpClientConfig(goDefaultTls(options.env ?? process.env)), proxyFromEnvironment: true }, { dialerName: "gce_sd", registry: deps.registry, logger: deps.logger });
      let tokens: Promise<GoogleTokenSource> | undefined;
      const token = async (signal: AbortSignal, fresh: boolean): Promise<string> => {
        if (tokens === undefined || fresh) {
          const created = createGoogleTokenSource(client);
          tokens = created;
          created.catch(() => {
            if (tokens === created) tokens = undefined;
          });
        }
        return (await tokens).token(signal);
      };
      return {
        refresh: async (signal) => [{ source, labels: {}, targets: await listTargets(config, client, token, signal) }],
        close: () => client.close(),
      };
    },
  }, deps);
}

async function listTargets(config: GceConfig, client: HttpClient, token: (signal: AbortSignal, fresh: boolean) => Promise<string>, signal: AbortSignal): Promise<LabelSet[]> {
  const base = `${COMPUTE_BASE_URL}projects/${encodeURIComponent(config.project)}/zones/${encodeURIComponent(config.zone)}/instances`;
  const instances = await collectPages<unknown>(async (pageToken) => {
    const query = new URLSearchParams({ alt: "json", ...(config.filter === "" ? {} : { filter: config.filter }), ...(pageToken === undefined ? {} : { pageToken }), prettyPrint: "false" });
    const url = `${base}?${query.toString()}`;
    let response;
    for (let attempt = 0; attempt < 2; attempt++) {
      const bearer = await token(signal, attempt > 0);
      response = await requestWithBackoff(client, url, { mechanism: "gce", signal, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes, headers: { authorization: `Bearer ${bearer}`, accept: "application/json" } });
      if (response.status !== 401) break;
    }
    if (response === undefined) throw new Error("unreachable: no GCE response");
    if (response.status !== 200) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `error retrieving refresh targets from gce: googleapi: Error ${response.status}: ${response.body.subarray(0, 512).toString("utf8").trim()}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `error retrieving refresh targets from gce: ${url}: invalid JSON`, { cause: error });
    }
    const page = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {}; // an InstanceList, read field by field
    const next = page["nextPageToken"];
    return { items: Array.isArray(page["items"]) ? page["items"] : [], next: typeof next === "string" && next !== "" ? next : undefined };
  }, { mechanism: "gce" });
  const context = { project: config.project, port: config.port, tagSeparator: config.tagSeparator };
  return instances.map((instance) => instanceTarget(instance, context)).filter((t): t is LabelSet => t !== undefined);
}
