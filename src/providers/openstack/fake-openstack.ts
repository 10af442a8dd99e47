/**
 * A loopback OpenStack for tests: Keystone v3 (version document at `/`, `POST /v3/auth/tokens` answering
 * 201 with `X-Subject-Token` and a catalog whose compute, network and load-balancer endpoints point back at
 * this server), Nova (`/compute/v2.1/servers/detail` paged by `limit`/`marker` with `servers_links`,
 * `os-hypervisors/detail`, 2.42's `os-floating-ips`), Neutron (`/network/v2.0/ports`, `floatingips`) and
 * Octavia (`/lb/v2.0/lbaas/loadbalancers`, `listeners`). Service calls without a token it issued get 401.
 * Faults can be queued per path prefix (status, headers, body) to test throttling, outages and re-auth.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestBody, startServer, type TestServer } from "../../http/test-support.js";

export interface FakeOpenStackData {
  servers: unknown[];
  hypervisors: unknown[];
  ports: unknown[];
  floatingips: unknown[];
  loadbalancers: unknown[];
  listeners: unknown[];
}

export interface FakeFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface FakeOpenStackRequest {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly body: string;
}

export interface FakeOpenStack {
  readonly url: string;
  readonly port: number;
  /** The `identity_endpoint` to configure (`<url>/v3/`). */
  readonly identityEndpoint: string;
  readonly data: FakeOpenStackData;
  readonly requests: readonly FakeOpenStackRequest[];
  /** Parsed bodies of every token request. */
  readonly authBodies: readonly unknown[];
  /** Servers per Nova page (default 1000). */
  pageSize: number;
  /** `expires_at` of new tokens, relative to now (default one hour). */
  tokenLifetimeMs: number;
  /** Answers the next `times` requests whose path starts with `pathPrefix` with `fault`. */
  failNext(pathPrefix: string, fault: FakeFault, times?: number): void;
  /** Forgets every issued token: the next service call with an old one gets 401. */
  revokeTokens(): void;
  close(): Promise<void>;
}

const FIXTURES = new URL("./fixtures/", import.meta.url);
const fixture = (name: string, key: string): unknown[] => {
  const parsed = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as Record<string, unknown[]>; // our own fixture files
  return parsed[key] ?? [];
};

/** The data of Prometheus's own OpenStack mock (fixtures/), fresh copies. */
export function prometheusFixtureData(): FakeOpenStackData {
  return {
    servers: fixture("servers", "servers"), hypervisors: fixture("hypervisors", "hypervisors"), ports: fixture("ports", "ports"),
    floatingips: fixture("floatingips", "floatingips"), loadbalancers: fixture("loadbalancers", "loadbalancers"), listeners: fixture("listeners", "listeners"),
  };
}

const asRecord = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {}); // test data

/** Nova's view of the Neutron floating IPs (what 2.42 reads): instance = the port's device. */
function novaFloatingIps(data: FakeOpenStackData): unknown[] {
  const device = new Map(data.ports.map((p) => [asRecord(p)["id"], asRecord(p)["device_id"]]));
  return data.floatingips.map((value) => {
    const ip = asRecord(value);
    return { id: ip["id"], ip: ip["floating_ip_address"], fixed_ip: ip["fixed_ip_address"] ?? null, instance_id: device.get(ip["port_id"]) ?? null, pool: "public" };
  });
}

export async function startFakeOpenStack(initial: FakeOpenStackData = prometheusFixtureData()): Promise<FakeOpenStack> {
  const requests: FakeOpenStackRequest[] = [];
  const authBodies: unknown[] = [];
  const faults: { prefix: string; fault: FakeFault; left: number }[] = [];
  let tokens = new Set<string>();
  let issued = 0;
  let origin = "";
  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  };
  const catalog = (): unknown[] => [
    { type: "identity", name: "keystone", endpoints: [{ interface: "public", region: "RegionOne", url: `${origin}/v3/` }] },
    { type: "compute", name: "nova", endpoints: ["public", "internal", "admin"].map((i) => ({ interface: i, region: "RegionOne", region_id: "RegionOne", url: `${origin}/compute/v2.1${i === "public" ? "" : `/${i}`}` })) },
    { type: "network", name: "neutron", endpoints: [{ interface: "public", region: "RegionOne", region_id: "RegionOne", url: `${origin}/network` }] },
    { type: "load-balancer", name: "octavia", endpoints: [{ interface: "public", region: "RegionOne", region_id: "RegionOne", url: `${origin}/lb` }] },
  ];

  function servers(url: URL): unknown {
    const all = fake.data.servers;
    const marker = url.searchParams.get("marker");
    const start = marker === null ? 0 : all.findIndex((s) => asRecord(s)["id"] === marker) + 1;
    const page = all.slice(start, start + fake.pageSize);
    const last = asRecord(page[page.length - 1])["id"];
    const links = start + fake.pageSize < all.length ? [{ rel: "next", href: `${origin}${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), marker: String(last) })}` }] : [];
    return { servers: page, servers_links: links };
  }

  const routes: Record<string, (url: URL) => unknown> = {
    "/compute/v2.1/servers/detail": servers,
    "/compute/v2.1/os-hypervisors/detail": () => ({ hypervisors: fake.data.hypervisors }),
    "/compute/v2.1/os-floating-ips": () => ({ floating_ips: novaFloatingIps(fake.data) }),
    "/network/v2.0/ports": () => ({ ports: fake.data.ports }),
    "/network/v2.0/floatingips": () => ({ floatingips: fake.data.floatingips }),
    "/lb/v2.0/lbaas/loadbalancers": () => ({ loadbalancers: fake.data.loadbalancers }),
    "/lb/v2.0/lbaas/listeners": () => ({ listeners: fake.data.listeners }),
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await requestBody(request);
    const url = new URL(request.url ?? "/", origin);
    const tokenHeader = request.headers["x-auth-token"];
    const token = typeof tokenHeader === "string" ? tokenHeader : undefined;
    requests.push({ method: request.method ?? "", url: request.url ?? "", token, body });
    const fault = faults.find((f) => f.left > 0 && url.pathname.startsWith(f.prefix));
    if (fault) {
      fault.left--;
      response.writeHead(fault.fault.status, fault.fault.headers ?? {}).end(fault.fault.body ?? "");
      return;
    }
    if (url.pathname === "/" && request.method === "GET") {
      json(response, 300, { versions: { values: [{ status: "stable", id: "v3.0", links: [{ href: `${origin}/v3/`, rel: "self" }] }, { status: "stable", id: "v2.0", links: [{ href: `${origin}/v2.0/`, rel: "self" }] }] } });
      return;
    }
    if (url.pathname === "/v3/auth/tokens" && request.method === "POST") {
      authBodies.push(JSON.parse(body) as unknown);
      const id = `token-${++issued}`;
      tokens.add(id);
      const expiresAt = new Date(Date.now() + fake.tokenLifetimeMs).toISOString();
      json(response, 201, { token: { methods: ["password"], expires_at: expiresAt, catalog: catalog(), project: { id: "p", name: "project-x" }, user: { id: "u", name: "Joe" } } }, { "x-subject-token": id });
      return;
    }
    // The internal and admin compute endpoints of the catalog serve the same API under their own prefix.
    const route = routes[url.pathname.replace(/^\/compute\/v2\.1\/(internal|admin)\//, "/compute/v2.1/")];
    if (route === undefined) return json(response, 404, { itemNotFound: { message: `no route ${url.pathname}`, code: 404 } });
    if (token === undefined || !tokens.has(token)) return json(response, 401, { error: { message: "The request you have made requires authentication.", code: 401 } });
    json(response, 200, route(url));
  }

  const server: TestServer = await startServer((request, response) => void handle(request, response).catch(() => response.destroy()));
  origin = server.origin;
  const fake: FakeOpenStack = {
    url: origin,
    port: server.port,
    identityEndpoint: `${origin}/v3/`,
    data: initial,
    requests,
    authBodies,
    pageSize: 1000,
    tokenLifetimeMs: 3_600_000,
    failNext: (prefix, fault, times = 1) => void faults.push({ prefix, fault, left: times }),
    revokeTokens: () => void (tokens = new Set()),
    close: () => server.close(),
  };
  return fake;
}
