/**
 * A fake DigitalOcean API for tests: `GET /v2/droplets` and `GET /v2/databases` with the API's paging
 * (`page`, `per_page` default 20, `links.pages` with absolute first/prev/next/last URLs, `meta.total`; a page
 * past the end is an empty list) and bearer-token auth, served over TLS as api.digitalocean.com behind a
 * CONNECT proxy. fixtures/ holds Prometheus's mock answers.
 */
import { queryInt, startApiFake, type ApiFake, type FakeRequest } from "../../testing/cloud/api-fake.js";

export const DIGITALOCEAN_HOST = "api.digitalocean.com";

export interface DigitalOceanState {
  droplets: readonly unknown[];
  databases: readonly unknown[];
}

function page(request: FakeRequest, key: string, items: readonly unknown[]): unknown {
  const perPage = queryInt(request, "per_page", 20);
  const number = queryInt(request, "page", 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number): string => `https://${DIGITALOCEAN_HOST}${request.url.pathname}?page=${n}&per_page=${perPage}`;
  const pages: Record<string, string> = {};
  if (number > 1) Object.assign(pages, { first: link(1), prev: link(number - 1) });
  if (number < last) Object.assign(pages, { next: link(number + 1), last: link(last) });
  return { [key]: items.slice((number - 1) * perPage, number * perPage), links: { pages }, meta: { total: items.length } };
}

export async function startFakeDigitalOcean(dir: string, options: { token: string; state: DigitalOceanState }): Promise<ApiFake & { state: DigitalOceanState }> {
  const state = options.state;
  const fake = await startApiFake({
    tls: { dir, hosts: [DIGITALOCEAN_HOST] },
    route: (request) => {
      if (request.host !== DIGITALOCEAN_HOST) return undefined;
      if (request.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { id: "unauthorized", message: "Unable to authenticate you" } };
      if (request.url.pathname === "/v2/droplets") return { body: page(request, "droplets", state.droplets) };
      if (request.url.pathname === "/v2/databases") return { body: page(request, "databases", state.databases) };
      return undefined;
    },
  });
  return Object.assign(fake, { state });
}
