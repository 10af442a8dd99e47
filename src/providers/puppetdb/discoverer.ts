/**
 * PuppetDB discovery (Prometheus discovery/puppetdb/puppetdb.go): every `refresh_interval`, POST
 * `<url>/pdb/query/v4` with `{"query": <PQL>}` (Accept and Content-Type `application/json`), demand status
 * 200 and a JSON content type, and turn the resources into one group (./resources.ts) whose source is
 * `<api url>?query=<query>`. The shared refresh loop keeps the last good targets on failure, logs each
 * distinct error once and counts it: under `mechanism="puppetdb"`, or `"http"` with the v2.42 profile
 * (2.42 registered its refresh loop under that name). The answer is capped; the request is bounded by
 * `refresh_interval`, as Prometheus's client timeout is.
 */
import { posix } from "node:path";
import { SourceError } from "../../errors.js";
import { createHttpClient } from "../../http/http-client.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { PuppetDbConfig } from "./config.js";
import { resourcesToGroup } from "./resources.js";

const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

/** `<url>` with `pdb/query/v4` joined to its path as Go's path.Join does (cleaned, no trailing slash). */
export function puppetDbQueryUrl(base: string): string {
  const url = new URL(base);
  url.pathname = posix.join(url.pathname === "" ? "/" : url.pathname, "pdb/query/v4");
  return url.href;
}

export function createPuppetDbDiscoverer(config: PuppetDbConfig, deps: DiscovererDeps): Discoverer {
  const apiUrl = puppetDbQueryUrl(config.url);
  const body = JSON.stringify({ query: config.query });
  const source = `${apiUrl}?query=${config.query}`;
  return createRefreshDiscoverer({
    mechanism: config.profile === "v2.42" ? "http" : "puppetdb",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "http", registry: deps.registry, logger: deps.logger });
      return {
        refresh: async (signal) => {
          const response = await client.request(apiUrl, {
            method: "POST", body, signal, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes,
            headers: { accept: "application/json", "content-type": "application/json" },
          });
          if (response.status !== 200) throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `server returned HTTP status ${response.status} ${response.statusText}`.trimEnd());
          const contentType = response.headers["content-type"] ?? "";
          if (!JSON_CONTENT_TYPE.test(contentType)) throw new SourceError("PROMSD_SOURCE_HTTP_CONTENT_TYPE", `unsupported content type ${contentType}`);
          let decoded: unknown;
          try {
            decoded = JSON.parse(response.body.toString("utf8"));
          } catch (error) {
            throw new SourceError("PROMSD_SOURCE_BAD_BODY", error instanceof Error ? error.message : String(error), { cause: error });
          }
          return [resourcesToGroup(decoded, { query: config.query, port: config.port, includeParameters: config.includeParameters, source })];
        },
        close: () => client.close(),
      };
    },
  }, deps);
}
