/**
 * A fake Linode API v4 for tests: `/v4/linode/instances`, `/v4/networking/ips`, `/v4/networking/ipv6/ranges`
 * and `/v4/account/events`, answering `{data, page, pages, results}` pages of `page_size` (default 100),
 * honouring `X-Filter` `{"region": …}` on the lists, bearer-token auth, and a switch that answers 401 on
 * events only (a token without the events scope). Served over TLS as api.linode.com behind a CONNECT proxy.
 * fixtures/ holds Prometheus's own test data per region.
 */
import { queryInt, startApiFake, type ApiFake, type FakeRequest } from "../../testing/cloud/api-fake.js";

export const LINODE_HOST = "api.linode.com";

export interface LinodeState {
  instances: Record<string, unknown>[];
  ips: Record<string, unknown>[];
  ranges: Record<string, unknown>[];
  events: unknown[];
  isEventsForbidden: boolean;
}

const LISTS: Readonly<Record<string, "instances" | "ips" | "ranges">> = { "/v4/linode/instances": "instances", "/v4/networking/ips": "ips", "/v4/networking/ipv6/ranges": "ranges" };

function page(request: FakeRequest, items: readonly unknown[]): unknown {
  const size = queryInt(request, "page_size", 100);
  const number = queryInt(request, "page", 1);
  return { data: items.slice((number - 1) * size, number * size), page: number, pages: Math.max(1, Math.ceil(items.length / size)), results: items.length };
}

function regionFilter(request: FakeRequest): string | undefined {
  const header = request.headers["x-filter"];
  if (typeof header !== "string") return undefined;
  const parsed = JSON.parse(header) as { region?: unknown };
  return typeof parsed.region === "string" ? parsed.region : undefined;
}

export async function startFakeLinode(dir: string, options: { token: string; state: LinodeState }): Promise<ApiFake & { state: LinodeState }> {
  const state = options.state;
  const fake = await startApiFake({
    tls: { dir, hosts: [LINODE_HOST] },
    route: (request) => {
      if (request.host !== LINODE_HOST) return undefined;
      if (request.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { errors: [{ reason: "Invalid Token" }] } };
      if (request.url.pathname === "/v4/account/events") {
        return state.isEventsForbidden ? { status: 401, body: { errors: [{ reason: "Unauthorized" }] } } : { body: page(request, state.events) };
      }
      const list = LISTS[request.url.pathname];
      if (list === undefined) return undefined;
      const region = regionFilter(request);
      return { body: page(request, state[list].filter((item) => region === undefined || item["region"] === region)) };
    },
  });
  return Object.assign(fake, { state });
}
