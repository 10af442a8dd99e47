import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { configProblem, parseConfigYaml, pullUpdates, testDeps, waitForMetric } from "../../testing/index.js";
import { parsePuppetDbConfig, type PuppetDbConfig } from "./config.js";
import { createPuppetDbDiscoverer, puppetDbQueryUrl } from "./discoverer.js";
import { startFakePuppetDb, type FakePuppetDb, type PuppetDbAnswer } from "./fake-puppetdb-server.js";
import { goFormatFloat, parameterLabels } from "./resources.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
/** Prometheus 3.x's expected targets (discovery/puppetdb/puppetdb_test.go), carried over as data. */
const EXPECTED = JSON.parse(fixtureText("expected-targets.json")) as Record<string, LabelSet[]>; // our own fixture file

const parse = (yaml: string, profile: Profile = "v3"): PuppetDbConfig => parseConfigYaml(parsePuppetDbConfig, yaml, { profile });
const problem = (yaml: string): string => configProblem(() => parse(yaml));

test("puppetdb config: defaults and validation messages as Prometheus's (checked against promtool 2.42)", () => {
  const cases: { yaml: string; want: string }[] = [
    { yaml: "query: x", want: "URL is missing" },
    { yaml: "url: http://a", want: "query missing" },
    { yaml: "url: 'ftp://a'\nquery: x", want: "URL scheme must be 'http' or 'https'" },
    { yaml: "url: 'http://'\nquery: x", want: "host is missing in URL" },
    { yaml: "url: 'http://u@/x'\nquery: x", want: "host is missing in URL" },
    { yaml: "url: 'http:foo'\nquery: x", want: "host is missing in URL" },
    { yaml: "url: 'http://a b'\nquery: x", want: 'parse "http://a b": invalid character " " in host name' },
    { yaml: "url: HTTP://a\nquery: x", want: "accepted" },
    { yaml: "url: http://a\nquery: x\nfoo: 1", want: "yaml: unmarshal errors:\n  line 3: field foo not found in type puppetdb.plain" },
    { yaml: "url: http://a\nquery: x\ninclude_parameters: maybe", want: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool" },
    { yaml: "url: http://a\nquery: x\nbearer_token: a\nbearer_token_file: b", want: "at most one of bearer_token & bearer_token_file must be configured" },
  ];
  for (const c of cases) assert.equal(problem(c.yaml), c.want, c.yaml);
  const config = parse("url: https://puppetdb:8081\nquery: 'resources { type = \"Class\" }'");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 60_000);
  assert.equal(config.includeParameters, false);
});

test("puppetdb: the API URL is joined as Prometheus's TestPuppetSlashInURL expects", () => {
  const cases: Record<string, string> = {
    "https://puppetserver": "https://puppetserver/pdb/query/v4",
    "https://puppetserver/": "https://puppetserver/pdb/query/v4",
    "http://puppetserver:8080/": "http://puppetserver:8080/pdb/query/v4",
    "http://puppetserver:8080": "http://puppetserver:8080/pdb/query/v4",
    "http://p/prefix/": "http://p/prefix/pdb/query/v4",
  };
  for (const [url, want] of Object.entries(cases)) assert.equal(puppetDbQueryUrl(url), want);
});

test("puppetdb: parameters become labels as Go's toLabels writes them (values seen from promtool on a real PuppetDB)", () => {
  assert.deepEqual(
    [1000000, 0.00001, 0.0001, 3.141592653589793, 22, 123456, 1e21, -2.5].map(goFormatFloat),
    ["1e+06", "1e-05", "0.0001", "3.141592653589793", "22", "123456", "1e+21", "-2.5"],
  );
  assert.deepEqual(parameterLabels({ mixed: [1, "a", true, null, { x: 1 }], empty: "", none: null, list: [], labels: { alias: "web", nested: { deep: "v" }, "dash-key": 2 } }), {
    mixed: "1,a,true,,", labels_alias: "web", labels_nested_deep: "v", labels_dash_key: "2",
  });
});

async function startFake(t: TestContext, answers: Record<string, PuppetDbAnswer>): Promise<FakePuppetDb> {
  const fake = await startFakePuppetDb(new Map(Object.entries(answers)));
  t.after(() => fake.close());
  return fake;
}

const VHOSTS: PuppetDbAnswer = { status: 200, contentType: "application/json", body: fixtureText("vhosts.json") };

for (const [includeParameters, want] of [[false, "TestPuppetDBRefresh"], [true, "TestPuppetDBRefreshWithParameters"]] as const) {
  test(`puppetdb (v3): Prometheus's vhosts fixture gives Prometheus's expected target (include_parameters: ${includeParameters})`, async (t) => {
    const fake = await startFake(t, { vhosts: VHOSTS });
    const updates = pullUpdates(t, createPuppetDbDiscoverer(parse(`url: ${fake.url}\nquery: vhosts\ninclude_parameters: ${includeParameters}`), testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, `${fake.url}/pdb/query/v4?query=vhosts`);
    assert.deepEqual(group?.targets, EXPECTED[want]);
    const [request] = fake.requests;
    assert.equal(request?.method, "POST");
    assert.equal(request?.url, "/pdb/query/v4");
    assert.equal(request?.body, '{"query":"vhosts"}');
    assert.equal(request?.headers.accept, "application/json");
    assert.equal(request?.headers["content-type"], "application/json");
  });
}

const FAULTS: { name: string; answer: PuppetDbAnswer; error: RegExp }[] = [
  { name: "400", answer: { status: 400, contentType: "text/plain", body: "" }, error: /^server returned HTTP status 400 Bad Request$/ },
  { name: "500", answer: { status: 500, contentType: "application/json", body: "[]" }, error: /^server returned HTTP status 500 Internal Server Error$/ },
  { name: "text/plain", answer: { status: 200, contentType: "text/plain; charset=utf-8", body: "{}" }, error: /^unsupported content type text\/plain; charset=utf-8$/ },
  { name: "not an array", answer: { status: 200, contentType: "application/json", body: "{}" }, error: /cannot unmarshal object into/ },
  { name: "wrong field type", answer: { status: 200, contentType: "application/json", body: '[{"certname": 1}]' }, error: /cannot unmarshal number 1 into Go struct field puppetdb.Resource.certname of type string/ },
  { name: "truncated", answer: { ...VHOSTS, truncateAfterBytes: 30 }, error: /unexpected EOF|aborted|socket hang up/ },
  { name: "oversized", answer: { ...VHOSTS, hugeBytes: 512 * 1024 }, error: /response body larger than 65536 bytes/ },
  { name: "stalled mid-body", answer: { ...VHOSTS, stallAfterBytes: 30 }, error: /deadline exceeded|did not finish within/ },
];

for (const { name, answer, error } of FAULTS) {
  test(`puppetdb: ${name} keeps the last good targets, is logged once and counted, then recovers`, async (t) => {
    const fake = await startFake(t, { vhosts: VHOSTS });
    const errors: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields: Record<string, unknown>) => void errors.push(String(fields.err)), child: () => logger };
    const deps = testDeps({ logger });
    const config = { ...parse(`url: ${fake.url}\nquery: vhosts\nrefresh_interval: 300ms`), maxBodyBytes: 64 * 1024 };
    const updates = pullUpdates(t, createPuppetDbDiscoverer(config, deps));
    assert.equal((await updates.next())[0]?.targets.length, 1);
    fake.override = answer;
    const pending = updates.pull();
    await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "puppetdb" }, value: 1 });
    assert.match(errors[0] ?? "", error);
    fake.override = undefined;
    assert.equal((await pending).value?.[0]?.targets.length, 1);
    assert.equal(errors.length, 1);
  });
}

test("puppetdb: a server down at start is retried; under v2.42 failures count as mechanism http, as 2.42 registers them", async (t) => {
  const fake = await startFake(t, { vhosts: VHOSTS });
  const url = fake.url;
  await fake.close();
  const deps = testDeps();
  const updates = pullUpdates(t, createPuppetDbDiscoverer(parse(`url: ${url}\nquery: vhosts\nrefresh_interval: 100ms`, "v2.42"), deps));
  const first = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "http" }, value: 1 });
  const port = Number(new URL(url).port);
  const { createServer } = await import("node:http");
  const revived = createServer((_request, response) => response.writeHead(200, { "content-type": VHOSTS.contentType }).end(VHOSTS.body));
  await new Promise<void>((resolve, reject) => revived.once("error", reject).listen(port, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => revived.close(() => resolve())));
  assert.equal((await first).value?.[0]?.targets.length, 1);
});
