/**
 * A fake Scaleway API for tests, on plain HTTP (Prometheus's `api_url` points at it): Instance
 * `GET /instance/v1/zones/<zone>/servers` (`name` substring and comma-joined `tags` filters, `per_page`
 * default 50, total in the `X-Total-Count` header as Instance sends it), Elastic Metal
 * `GET /baremetal/v1/zones/<zone>/{servers,offers,os}` (repeated `tags`, body `total_count`) and IPAM
 * `GET /ipam/v1/regions/<region>/ips` (`resource_ids`), all checking `X-Auth-Token`.
 */
import { queryInt, startApiFake, type ApiFake, type FakeRequest } from "../../testing/cloud/api-fake.js";

export interface ScalewayState {
  zone: string;
  instances: readonly Record<string, unknown>[];
  baremetal: readonly Record<string, unknown>[];
  offers: readonly unknown[];
  systems: readonly unknown[];
  ipamIps: readonly Record<string, unknown>[];
}

function slice<T>(request: FakeRequest, items: readonly T[]): T[] {
  const perPage = queryInt(request, "per_page", 50);
  const page = queryInt(request, "page", 1);
  return items.slice((page - 1) * perPage, page * perPage);
}

function filtered(request: FakeRequest, servers: readonly Record<string, unknown>[], tags: readonly string[]): Record<string, unknown>[] {
  const name = request.url.searchParams.get("name");
  return servers.filter((s) => (name === null || String(s["name"]).includes(name)) && tags.every((tag) => (s["tags"] as string[] | undefined)?.includes(tag) === true));
}

export async function startFakeScaleway(options: { secretKey: string; state: ScalewayState }): Promise<ApiFake & { state: ScalewayState }> {
  const state = options.state;
  const fake = await startApiFake({
    route: (request) => {
      if (request.headers["x-auth-token"] !== options.secretKey) return { status: 401, body: { message: "authentication is denied", method: "api_key", reason: "invalid_argument", type: "denied_authentication" } };
      const path = request.url.pathname;
      const zone = `/zones/${state.zone}`;
      if (path === `/instance/v1${zone}/servers`) {
        const tags = (request.url.searchParams.get("tags") ?? "").split(",").filter((t) => t !== "");
        const all = filtered(request, state.instances, tags);
        return { body: { servers: slice(request, all) }, headers: { "x-total-count": String(all.length) } };
      }
      if (path === `/baremetal/v1${zone}/servers`) {
        const all = filtered(request, state.baremetal, request.url.searchParams.getAll("tags"));
        return { body: { servers: slice(request, all), total_count: all.length } };
      }
      if (path === `/baremetal/v1${zone}/offers`) return { body: { offers: slice(request, state.offers), total_count: state.offers.length } };
      if (path === `/baremetal/v1${zone}/os`) return { body: { os: slice(request, state.systems), total_count: state.systems.length } };
      if (/^\/ipam\/v1\/regions\/[a-z-]+\/ips$/.test(path)) {
        const ids = request.url.searchParams.getAll("resource_ids");
        const all = state.ipamIps.filter((ip) => ids.includes(String((ip["resource"] as { id?: string } | undefined)?.id)));
        return { body: { ips: slice(request, all), total_count: all.length } };
      }
      return { status: 404, body: { message: "resource is not found", type: "not_found" } };
    },
  });
  return Object.assign(fake, { state });
}
