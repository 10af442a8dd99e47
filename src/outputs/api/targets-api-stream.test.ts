import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { compareUtf8, labelSetKey, type LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import type { ActiveTarget, JobTargets, TargetsView } from "../../targets/types.js";
import { goJsonString } from "../http/go-json.js";
import { Router, type HttpResponse } from "../http/router.js";
import { HttpServer } from "../http/server.js";
import { globalUrl, type GlobalUrlOptions } from "./global-url.js";
import { oddTargetsView } from "./odd-targets-view.js";
import { TargetsApi } from "./targets-api.js";

const URLS: GlobalUrlOptions = { externalUrl: new URL("https://ext.example:8443/"), listenPort: 9800 };

/** A label set for the reference encoder: keys in label order, HTML-escaped or not per profile. */
class Labels {
  constructor(readonly labels: LabelSet) {}
}
type Value = string | number | null | Labels | readonly Value[] | { readonly [key: string]: Value };

/** The whole body as one string, as promsd rendered it before streaming: Go's encoding, keys in insertion order. */
function encode(value: Value, escapeLabels: boolean): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return goJsonString(value);
  if (value instanceof Labels) {
    const names = Object.keys(value.labels).sort(compareUtf8);
    return `{${names.map((n) => `${goJsonString(n, escapeLabels)}:${goJsonString(value.labels[n] ?? "", escapeLabels)}`).join(",")}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v: Value) => encode(v, escapeLabels)).join(",")}]`;
  return `{${Object.entries(value).map(([k, v]) => `${goJsonString(k)}:${encode(v, escapeLabels)}`).join(",")}}`;
}

function activeValue(target: ActiveTarget, pool: string): Value {
  const global = globalUrl(target.scrapeUrl, URLS);
  const publicLabels = Object.fromEntries(Object.entries(target.labels).filter(([name]) => !name.startsWith("__")));
  return {
    discoveredLabels: new Labels(target.discoveredLabels), labels: new Labels(publicLabels), scrapePool: pool, scrapeUrl: target.scrapeUrl,
    globalUrl: global.url, lastError: global.error === undefined ? "" : `: ${global.error}`, lastScrape: "0001-01-01T00:00:00Z",
    lastScrapeDuration: 0, health: "unknown", scrapeInterval: target.labels["__scrape_interval__"] ?? "", scrapeTimeout: target.labels["__scrape_timeout__"] ?? "",
  };
}

/** core.md 6.3, written out from the spec independently of TargetsApi. */
function expectedTargetsBody(view: TargetsView, profile: Profile, state: string, pool: string): string {
  const pools = [...view.jobNames()].sort(compareUtf8);
  const jobs = pools.map((name) => [name, view.job(name)] as const).filter((e): e is [string, JobTargets] => e[1] !== undefined && (pool === "" || e[0] === pool));
  const showActive = ["", "any", "active"].includes(state);
  const showDropped = ["", "any", "dropped"].includes(state);
  const byUrl = (a: ActiveTarget, b: ActiveTarget): number => compareUtf8(a.scrapeUrl, b.scrapeUrl) || compareUtf8(labelSetKey(a.labels), labelSetKey(b.labels));
  const data: Record<string, Value> = {
    activeTargets: showActive ? jobs.flatMap(([name, job]) => [...job.active].sort(byUrl).map((t) => activeValue(t, name))) : [],
    droppedTargets: showDropped ? jobs.flatMap(([name, job]) => job.dropped.map((t) => (profile === "v3" ? { discoveredLabels: new Labels(t.discoveredLabels), scrapePool: name } : { discoveredLabels: new Labels(t.discoveredLabels) }))) : [],
  };
  if (profile === "v3") data["droppedTargetCounts"] = showDropped ? Object.fromEntries(pools.map((name) => [name, view.job(name)?.droppedCount ?? 0])) : null;
  return encode({ status: "success", data }, profile !== "v3");
}

function fetchText(url: string): Promise<{ text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ text: Buffer.concat(parts).toString(), headers: res.headers }));
    })
      .on("error", reject)
      .end();
  });
}

async function serveTargets(t: { after: (fn: () => Promise<void>) => void }, view: TargetsView, profile: Profile, wrap = (r: HttpResponse) => r): Promise<HttpServer> {
  const api = new TargetsApi({ targets: view, profile, globalUrl: () => URLS });
  const server = await HttpServer.listen(new Router().get("/api/v1/targets", (r) => wrap(api.targets(r))), { host: "127.0.0.1", port: 0 });
  t.after(() => server.close());
  return server;
}

const queries: { state: string; pool: string }[] = [
  { state: "", pool: "" }, { state: "active", pool: "" }, { state: "dropped", pool: "" }, { state: "any", pool: "zeta" },
  { state: "bogus", pool: "" }, { state: "", pool: "a<b>" }, { state: "", pool: "unbuilt" }, { state: "", pool: "nope" },
];

for (const profile of ["v3", "v2.42"] as const) {
  test(`targets api: the streamed body equals the one-string rendering for thousands of odd targets (${profile})`, async (t) => {
    const view = oddTargetsView(3000);
    const server = await serveTargets(t, view, profile);
    for (const { state, pool } of queries) {
      const query = new URLSearchParams({ ...(state ? { state: state.toUpperCase() } : {}), ...(pool ? { scrapePool: pool } : {}) });
      if (pool === "unbuilt") {
        // Not delivered yet: 503 with the waiting provider, never an empty success (targets-api.ts).
        const res = await fetch(`${server.url}/api/v1/targets?${query}`);
        assert.equal(res.status, 503, `${query}`);
        assert.deepEqual(((await res.json()) as { waitingFor: string[] }).waitingFor, ["consul/0"]);
        continue;
      }
      const { text, headers } = await fetchText(`${server.url}/api/v1/targets?${query}`);
      assert.equal(headers["transfer-encoding"], "chunked", `${query}`);
      assert.equal(text, expectedTargetsBody(view, profile, state, pool), `${query}`);
    }
  });
}

test("targets api: a client that disconnects mid-body stops rendering targets", async (t) => {
  const view = oddTargetsView(20_000);
  const total = view.jobNames().reduce((n, name) => n + (view.job(name)?.active.length ?? 0), 0);
  let rendered = 0;
  let stopped!: () => void;
  const renderingStopped = new Promise<void>((resolve) => (stopped = resolve));
  const counted = (response: HttpResponse): HttpResponse => ({
    status: response.status,
    headers: response.headers,
    body: "",
    *chunks() {
      try {
        for (const piece of response.chunks?.() ?? []) {
          if (typeof piece === "string" && piece.startsWith('{"discoveredLabels"')) rendered++;
          yield piece;
        }
      } finally {
        stopped();
      }
    },
  });
  const server = await serveTargets(t, view, "v3", counted);
  await new Promise<void>((resolve, reject) => {
    const req = request(`${server.url}/api/v1/targets?state=active`, { agent: false }, (res) => {
      res.once("data", () => {
        req.destroy();
        resolve();
      });
    });
    req.on("error", (error) => (req.destroyed ? undefined : reject(error))).end();
  });
  await renderingStopped;
  assert.ok(rendered > 0);
  assert.ok(rendered < total / 2, `rendered ${rendered} of ${total} targets for a client that left`);
});
