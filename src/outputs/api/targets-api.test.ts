import assert from "node:assert/strict";
import { test } from "node:test";
import type { Profile } from "../../profile.js";
import { activeTarget, droppedTarget, FakeTargetsView } from "../fake-targets-view.js";
import { Router } from "../http/router.js";
import { globalUrl } from "./global-url.js";
import { TargetsApi } from "./targets-api.js";

const discovered = { __address__: "a:1", __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "1m", __scrape_timeout__: "10s", job: "amp", x: "<a&b>" };

function setup(profile: Profile) {
  const view = new FakeTargetsView(["zeta", "amp", "none"]);
  view.setJob("amp", {
    active: [activeTarget({ ...discovered, instance: "a:1" }, discovered)],
    dropped: [droppedTarget({ ...discovered, __address__: "d:1" })],
    droppedCount: 3,
  });
  view.setJob("zeta", { active: [activeTarget({ ...discovered, __address__: "127.0.0.1:9800", instance: "z", job: "zeta" })] });
  const api = new TargetsApi({ targets: view, profile, globalUrl: () => ({ externalUrl: new URL("http://box:9800/"), listenPort: 9800 }) });
  const router = new Router()
    .get("/api/v1/targets", (r) => api.targets(r))
    .get("/api/v1/scrape_pools", () => api.scrapePools());
  return router;
}

test("targets api: 2.42 profile answers byte-for-byte like the 2.42 server", async () => {
  const router = setup("v2.42");
  const res = await router.inject({ path: "/api/v1/targets?scrapePool=amp" });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/json");
  // core.md 6.3, observed on the 2.42 build.
  assert.equal(
    res.body,
    '{"status":"success","data":{"activeTargets":[{"discoveredLabels":{"__address__":"a:1","__metrics_path__":"/metrics","__scheme__":"http","__scrape_interval__":"1m","__scrape_timeout__":"10s","job":"amp","x":"\\u003ca\\u0026b\\u003e"},"labels":{"instance":"a:1","job":"amp","x":"\\u003ca\\u0026b\\u003e"},"scrapePool":"amp","scrapeUrl":"http://a:1/metrics","globalUrl":"http://a:1/metrics","lastError":"","lastScrape":"0001-01-01T00:00:00Z","lastScrapeDuration":0,"health":"unknown","scrapeInterval":"1m","scrapeTimeout":"10s"}],"droppedTargets":[{"discoveredLabels":{"__address__":"d:1","__metrics_path__":"/metrics","__scheme__":"http","__scrape_interval__":"1m","__scrape_timeout__":"10s","job":"amp","x":"\\u003ca\\u0026b\\u003e"}}]}}',
  );
});

test("targets api: v3 adds scrapePool to dropped targets, droppedTargetCounts, and leaves labels unescaped", async () => {
  const router = setup("v3");
  const body = JSON.parse((await router.inject({ path: "/api/v1/targets" })).body) as {
    data: { activeTargets: { scrapePool: string; globalUrl: string; labels: Record<string, string> }[]; droppedTargets: { scrapePool: string }[]; droppedTargetCounts: Record<string, number> };
  };
  assert.deepEqual(body.data.activeTargets.map((t) => t.scrapePool), ["amp", "zeta"]);
  assert.deepEqual(body.data.droppedTargets, [{ discoveredLabels: { ...discovered, __address__: "d:1" }, scrapePool: "amp" }]);
  assert.deepEqual(body.data.droppedTargetCounts, { amp: 3, none: 0, zeta: 0 });
  // A loopback target on promsd's own port gets the external URL.
  assert.equal(body.data.activeTargets[1]?.globalUrl, "http://box:9800/metrics");
  const raw = (await router.inject({ path: "/api/v1/targets" })).body;
  assert.ok(raw.includes('"x":"<a&b>"'));
});

const stateCases: { query: string; active: number; dropped: number; counts: "object" | "null" }[] = [
  { query: "", active: 2, dropped: 1, counts: "object" },
  { query: "?state=ANY", active: 2, dropped: 1, counts: "object" },
  { query: "?state=active", active: 2, dropped: 0, counts: "null" },
  { query: "?state=Dropped", active: 0, dropped: 1, counts: "object" },
  { query: "?state=bogus", active: 0, dropped: 0, counts: "null" },
  { query: "?scrapePool=zeta", active: 1, dropped: 0, counts: "object" },
  { query: "?scrapePool=unknown", active: 0, dropped: 0, counts: "object" },
];
for (const c of stateCases) {
  test(`targets api: filters ${c.query || "nothing"}`, async () => {
    const body = JSON.parse((await setup("v3").inject({ path: `/api/v1/targets${c.query}` })).body) as {
      data: { activeTargets: unknown[]; droppedTargets: unknown[]; droppedTargetCounts: unknown };
    };
    assert.equal(body.data.activeTargets.length, c.active);
    assert.equal(body.data.droppedTargets.length, c.dropped);
    assert.equal(body.data.droppedTargetCounts === null ? "null" : "object", c.counts);
  });
}

test("targets api: scrape_pools lists every configured job, sorted", async () => {
  const res = await setup("v3").inject({ path: "/api/v1/scrape_pools" });
  assert.equal(res.body, '{"status":"success","data":{"scrapePools":["amp","none","zeta"]}}');
});

const globalCases: { url: string; want: string; error?: string }[] = [
  { url: "http://10.0.0.1:9100/metrics", want: "http://10.0.0.1:9100/metrics" },
  { url: "http://127.0.0.1:9800/metrics", want: "https://ext.example:8443/metrics" },
  { url: "http://localhost:9100/metrics?a=b", want: "http://ext.example:9100/metrics?a=b" },
  { url: "http://[::1]:9100/m", want: "http://ext.example:9100/m" },
  { url: "http://localhost/metrics", want: "http://ext.example/metrics" },
  { url: "http://a:b:c/metrics", want: "http://a:b:c/metrics", error: "address a:b:c: too many colons in address" },
];
for (const c of globalCases) {
  test(`targets api: globalUrl of ${c.url}`, () => {
    const got = globalUrl(c.url, { externalUrl: new URL("https://ext.example:8443/"), listenPort: 9800 });
    assert.equal(got.url, c.want);
    assert.equal(got.error, c.error);
  });
}
