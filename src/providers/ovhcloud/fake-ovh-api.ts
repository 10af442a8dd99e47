/**
 * A loopback OVHcloud API for tests: `GET /auth/time` (its own clock, which a test may skew), and the
 * `/vps` and `/dedicated/server` calls Prometheus makes, each checked like the real API checks them:
 * application key, consumer key, a timestamp within 30 s of the API's clock and the `$1$` SHA-1 signature
 * over the full URL the client requested. A request that fails a check gets OVH's 400/403 error body.
 * Faults (status, 429, truncated or hanging bodies) come from ../../testing/cloud/api-fake.ts.
 */
import { readFileSync } from "node:fs";
import { startApiFake, type ApiFake, type FakeAnswer, type FakeRequest } from "../../testing/cloud/api-fake.js";
import { ovhSignature } from "./signed-api.js";

export const TEST_CREDENTIALS = Object.freeze({
  // The keys of Prometheus's ovhcloud_test.go.
  applicationKey: "TDPKJdwZwAQPwKX2",
  applicationSecret: "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk",
  consumerKey: "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY",
});

export interface FakeServer {
  readonly details: unknown;
  readonly ips: unknown;
}

export interface OvhState {
  /** name → answers; a name listed without an entry answers 404 to its detail calls. */
  vps: Map<string, FakeServer | undefined>;
  dedicated: Map<string, FakeServer | undefined>;
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as unknown;
}

/** Prometheus's testdata: one VPS `abc` and one dedicated server `abcde`. */
export function prometheusFixtureState(): OvhState {
  return {
    vps: new Map([["abc", { details: fixture("vps_vps_details"), ips: fixture("vps_vps_abc_ips") }]]),
    dedicated: new Map([["abcde", { details: fixture("dedicated_server_dedicated_servers_details"), ips: fixture("dedicated_server_dedicated_servers_abcde_ips") }]]),
  };
}

export interface FakeOvhApi extends ApiFake {
  state: OvhState;
  /** The API clock's offset from the real clock (a client must learn it from /auth/time). */
  clockSkewMs: number;
  /** Signed requests the API accepted, and ones it refused (with why). */
  readonly accepted: FakeRequest[];
  readonly refused: { request: FakeRequest; reason: string }[];
}

function ovhError(status: number, errorCode: string, message: string): FakeAnswer {
  return { status, body: { errorCode, httpCode: `${status}`, message } };
}

export async function startFakeOvhApi(state: OvhState = prometheusFixtureState()): Promise<FakeOvhApi> {
  const accepted: FakeRequest[] = [];
  const refused: { request: FakeRequest; reason: string }[] = [];
  let fake: FakeOvhApi | undefined;
  const apiSeconds = (): number => Math.floor((Date.now() + (fake?.clockSkewMs ?? 0)) / 1000);

  const checkSignature = (request: FakeRequest): string | undefined => {
    const header = (name: string): string => String(request.headers[name] ?? "");
    if (header("x-ovh-application") !== TEST_CREDENTIALS.applicationKey) return "Invalid application key";
    if (header("x-ovh-consumer") !== TEST_CREDENTIALS.consumerKey) return "Invalid credential";
    const timestamp = Number(header("x-ovh-timestamp"));
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - apiSeconds()) > 30) return "Query out of time";
    const url = `${fake?.origin ?? ""}${request.path}`;
    const want = ovhSignature({ applicationSecret: TEST_CREDENTIALS.applicationSecret, consumerKey: TEST_CREDENTIALS.consumerKey, method: request.method, url, body: request.body, timestamp });
    return header("x-ovh-signature") === want ? undefined : "Invalid signature";
  };

  const serve = (request: FakeRequest): FakeAnswer | undefined => {
    const path = request.url.pathname;
    if (path === "/auth/time") return { body: apiSeconds() };
    const problem = checkSignature(request);
    if (problem !== undefined) {
      refused.push({ request, reason: problem });
      return problem === "Invalid signature" || problem === "Query out of time" ? ovhError(400, problem === "Query out of time" ? "QUERY_TIME_OUT" : "INVALID_SIGNATURE", problem) : ovhError(403, "INVALID_CREDENTIAL", problem);
    }
    accepted.push(request);
    const current = fake?.state ?? state;
    for (const [prefix, servers] of [["/vps", current.vps], ["/dedicated/server", current.dedicated]] as const) {
      if (path === prefix) return { body: [...servers.keys()] };
      if (!path.startsWith(`${prefix}/`)) continue;
      const [name = "", rest] = path.slice(prefix.length + 1).split("/");
      const server = servers.get(decodeURIComponent(name.replace(/\+/g, " ")));
      if (server === undefined) return ovhError(404, "NOT_FOUND", `The requested object (${name}) does not exist`);
      if (rest === undefined) return { body: server.details };
      if (rest === "ips") return { body: server.ips };
    }
    return undefined;
  };

  const api = await startApiFake({ route: serve });
  fake = Object.assign(api, { state, clockSkewMs: 0, accepted, refused });
  return fake;
}
