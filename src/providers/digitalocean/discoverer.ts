/**
 * DigitalOcean discovery (Prometheus discovery/digitalocean): every `refresh_interval`, all droplets
 * (`GET /v2/droplets`) or, with role databases (3.12+), all managed database clusters (`GET /v2/databases`),
 * paged as godo pages them, into one group ("DigitalOcean" / "DigitalOcean Databases") (labels: ./targets.ts).
 *
 * Paging, as Prometheus drives godo: droplets are asked first without `page`, then `page=<current+1>` while
 * `links.pages.next` is set, where the current page is 1 when there is no `prev` link, else prev's page + 1.
 * Databases are asked `page=N&per_page=100` until a page comes back empty (Prometheus keeps counting pages
 * when the answer has no next link). Plain HTTP instead of godo: bearer-token JSON with link-based paging.
 */
import { collectPages, fetchJson } from "../../cloud/json-api.js";
import { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { DigitalOceanConfig } from "./config.js";
import { databaseTarget, dropletTarget } from "./targets.js";

const DATABASES_PER_PAGE = 100;

/** godo's `Links.CurrentPage`, computed from the `prev`/`next` links of `links.pages`. */
function currentPage(pages: GoStruct): number {
  const prev = pages.string("prev");
  if (prev === "") return pages.string("next") !== "" ? 1 : 0;
  const page = Number.parseInt(new URL(prev, "http://invalid/").searchParams.get("page") ?? "", 10);
  if (!Number.isInteger(page)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `digitalocean: cannot read the page of link ${JSON.stringify(prev)}`);
  return page + 1;
}

interface ListPage {
  readonly items: GoStruct[];
  /** `links.pages` when the answer has a `next` link. */
  readonly pagesWithNext: GoStruct | undefined;
}

async function listPage(client: HttpClient, config: DigitalOceanConfig, path: string, key: string, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<ListPage> {
  const body = GoStruct.of(await fetchJson(client, `${config.endpoint}${path}`, { signal, mechanism: "digitalocean", maxBodyBytes: config.maxBodyBytes, wait }), "godo.listRoot");
  const pages = body.pointer("links", "godo.Links")?.pointer("pages", "godo.Pages");
  return { items: body.structs(key, key === "droplets" ? "godo.Droplet" : "godo.Database"), pagesWithNext: pages !== undefined && pages.string("next") !== "" ? pages : undefined };
}

async function refreshDroplets(client: HttpClient, config: DigitalOceanConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const droplets = await collectPages(async (cursor) => {
    const page = await listPage(client, config, cursor === undefined ? "/v2/droplets" : `/v2/droplets?page=${cursor}`, "droplets", signal, wait);
    return { items: page.items, next: page.pagesWithNext && String(currentPage(page.pagesWithNext) + 1) };
  }, { mechanism: "digitalocean" });
  const targets = droplets.map((d) => dropletTarget(d, config.port)).filter((t): t is LabelSet => t !== undefined);
  return [{ source: "DigitalOcean", labels: {}, targets }];
}

async function refreshDatabases(client: HttpClient, config: DigitalOceanConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const clusters = await collectPages(async (cursor) => {
    const number = Number(cursor ?? "1");
    const page = await listPage(client, config, `/v2/databases?page=${number}&per_page=${DATABASES_PER_PAGE}`, "databases", signal, wait);
    if (page.items.length === 0) return { items: [], next: undefined };
    let next = number + 1;
    try {
      if (page.pagesWithNext) next = currentPage(page.pagesWithNext) + 1;
    } catch {
      // Prometheus falls back to counting pages when a link cannot be read.
    }
    return { items: page.items, next: String(next) };
  }, { mechanism: "digitalocean" });
  return [{ source: "DigitalOcean Databases", labels: {}, targets: clusters.map((c) => databaseTarget(c, config.port)) }];
}

export function createDigitalOceanDiscoverer(config: DigitalOceanConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "digitalocean",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "digitalocean_sd", registry: deps.registry, logger: deps.logger });
      const refresh = config.role === "droplets" ? refreshDroplets : refreshDatabases;
      return { refresh: (signal) => refresh(client, config, signal, deps.sleep), close: () => client.close() };
    },
  }, deps);
}
