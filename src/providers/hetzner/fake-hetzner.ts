/**
 * A fake Hetzner for tests: the Cloud API's `GET /v1/servers` and `/v1/networks` (page/per_page paging with
 * `meta.pagination`, `label_selector` as `key=value` / `key` / `!key`, bearer token) and Robot's
 * `GET /server` (basic auth), answering in the vendors' JSON shapes (fixtures/ holds Prometheus's own mock
 * answers). Served over TLS as api.hetzner.cloud and robot-ws.your-server.de behind a CONNECT proxy, so
 * promtool and promsd reach it from `proxy_url` + `tls_config.ca_file` alone.
 */
import { startApiFake, queryInt, type ApiFake, type FakeRequest } from "../../testing/cloud/api-fake.js";

export const HCLOUD_HOST = "api.hetzner.cloud";
export const ROBOT_HOST = "robot-ws.your-server.de";

export interface HetznerState {
  servers: readonly Record<string, unknown>[];
  networks: readonly Record<string, unknown>[];
  robotServers: readonly unknown[];
}

export interface FakeHetzner extends ApiFake {
  readonly state: HetznerState;
}

function matchesSelector(labels: Readonly<Record<string, string>>, selector: string): boolean {
  return selector.split(",").filter((term) => term !== "").every((term) => {
    if (term.startsWith("!")) return !(term.slice(1) in labels);
    const [key = "", value] = term.split("=");
    return value === undefined ? key in labels : labels[key] === value;
  });
}

function page(request: FakeRequest, key: string, items: readonly unknown[]): unknown {
  const perPage = queryInt(request, "per_page", 25);
  const number = queryInt(request, "page", 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return {
    [key]: items.slice((number - 1) * perPage, number * perPage),
    meta: { pagination: { page: number, per_page: perPage, previous_page: number > 1 ? number - 1 : null, next_page: number < lastPage ? number + 1 : null, last_page: lastPage, total_entries: items.length } },
  };
}

export async function startFakeHetzner(dir: string, options: { token: string; robotAuth: string; state: HetznerState }): Promise<FakeHetzner> {
  const state = options.state;
  const fake = await startApiFake({
    tls: { dir, hosts: [HCLOUD_HOST, ROBOT_HOST] },
    route: (request) => {
      if (request.host === ROBOT_HOST && request.url.pathname === "/server") {
        if (request.headers.authorization !== `Basic ${Buffer.from(options.robotAuth).toString("base64")}`) return { status: 401, body: { error: { status: 401, code: "UNAUTHORIZED", message: "Unauthorized" } } };
        return { body: state.robotServers };
      }
      if (request.host !== HCLOUD_HOST) return undefined;
      if (request.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { error: { code: "unauthorized", message: "unable to authenticate" } } };
      if (request.url.pathname === "/v1/servers") {
        const selector = request.url.searchParams.get("label_selector") ?? "";
        return { body: page(request, "servers", state.servers.filter((s) => matchesSelector((s["labels"] ?? {}) as Record<string, string>, selector))) };
      }
      if (request.url.pathname === "/v1/networks") return { body: page(request, "networks", state.networks) };
      return undefined;
    },
  });
  return Object.assign(fake, { state });
}
