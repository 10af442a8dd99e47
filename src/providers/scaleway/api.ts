/**
 * The Scaleway API calls as scaleway-sdk-go makes them for Prometheus: `X-Auth-Token: <secret key>` (read
 * from `secret_key_file` on every request when given), and `WithAllPages` paging: `page=1, 2, …` until the
 * items gathered reach the total (the `X-Total-Count` header where the API sends one, as Instance does,
 * else the body's `total_count`) or a page comes back empty.
 */
import { readFile } from "node:fs/promises";
import { GoStruct } from "../../cloud/go-json.js";
import { requestWithBackoff, type JsonRequestOptions } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { DiscovererDeps } from "../provider.js";
import type { ScalewayConfig } from "./config.js";

export interface ScalewayApi {
  /** Every item of `listKey` over all pages of `path?query`. */
  listAll(path: string, query: ReadonlyArray<readonly [string, string]>, listKey: string, goType: string, signal: AbortSignal): Promise<GoStruct[]>;
}

const MAX_PAGES = 10_000;

export function createScalewayApi(client: HttpClient, config: ScalewayConfig, wait: DiscovererDeps["sleep"]): ScalewayApi {
  async function token(): Promise<string> {
    if (config.secretKeyFile === "") return config.secretKey.reveal();
    try {
      return (await readFile(config.secretKeyFile, "utf8")).trim();
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_SCALEWAY_TOKEN", `unable to read auth token file ${config.secretKeyFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async function page(url: string, signal: AbortSignal): Promise<{ body: GoStruct; totalHeader: number | undefined }> {
    const options: JsonRequestOptions = { signal, mechanism: "scaleway", maxBodyBytes: config.maxBodyBytes, wait, headers: { "x-auth-token": await token() } };
    const response = await requestWithBackoff(client, url, options);
    const text = response.body.toString("utf8");
    if (response.status < 200 || response.status > 299) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `scaleway: ${url}: server returned HTTP status ${response.status} ${response.statusText}: ${text.slice(0, 512)}`.trimEnd());
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `scaleway: ${url}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const header = response.headers["x-total-count"];
    return { body: GoStruct.of(parsed, "scw.listResponse"), totalHeader: header === undefined || header === "" ? undefined : Number.parseInt(header, 10) };
  }

  return {
    async listAll(path, query, listKey, goType, signal) {
      const items: GoStruct[] = [];
      for (let number = 1; number <= MAX_PAGES; number++) {
        const params = new URLSearchParams([...query.map(([k, v]): [string, string] => [k, v]), ["page", String(number)]]);
        params.sort();
        const { body, totalHeader } = await page(`${config.apiUrl}${path}?${params.toString()}`, signal);
        const pageItems = body.structs(listKey, goType);
        items.push(...pageItems);
        const total = totalHeader ?? body.int("total_count", "uint64");
        if (items.length >= total || pageItems.length === 0) return items;
      }
      throw new SourceError("PROMSD_SOURCE_TOO_MANY_PAGES", `scaleway: more than ${MAX_PAGES} pages of ${path}`);
    },
  };
}

/** scaleway-sdk-go's `Zone.Region()`: a zone of the valid form (`xx-yyy-N`) minus its `-N`, else undefined (seen with promtool 2.42: `xx-yyy-9` gives region `xx-yyy`). */
export function zoneRegion(zone: string): string | undefined {
  return /^[a-z]{2}-[a-z]{3}-[1-9]$/.test(zone) ? zone.slice(0, -2) : undefined;
}
