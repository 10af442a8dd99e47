import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { test, type TestContext } from "node:test";
import { SourceError } from "../../errors.js";
import { startServer, type TestServer } from "../../http/test-support.js";
import { silentLogger } from "../../logging.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Profile } from "../../profile.js";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, testDeps, waitFor, waitForMetric } from "../../testing/index.js";
import { parseHttpSdConfig, type HttpSdConfig } from "./config.js";
import { createHttpSdDiscoverer, groupsFromResponse, refreshIntervalHeader } from "./discoverer.js";

const parse = (yaml: string, profile: Profile = "v3"): HttpSdConfig => parseConfigYaml(parseHttpSdConfig, yaml, { profile });
const problem = (yaml: string, profile: Profile = "v3"): string => configProblem(() => parse(yaml, profile));

test("http_sd config: validation messages in Prometheus's order", () => {
  const cases: { yaml: string; want: string }[] = [
    { yaml: "refresh_interval: 30s", want: "URL is missing" },
    { yaml: "url: ''", want: "URL is missing" },
    { yaml: "url: 'http://[::1'", want: `parse "http://[::1": missing ']' in host` },
    { yaml: "url: 'http://a b/'", want: `parse "http://a b/": invalid character " " in host name` },
    { yaml: "url: sd.example.com/targets", want: "URL scheme must be 'http' or 'https'" },
    { yaml: "url: localhost:8000/targets", want: "URL scheme must be 'http' or 'https'" },
    { yaml: "url: ftp://a/b", want: "URL scheme must be 'http' or 'https'" },
    { yaml: "url: http:///targets", want: "host is missing in URL" },
    { yaml: "url: http://:8000/targets", want: "accepted" },
    { yaml: "url: HTTPS://sd.example.com/x", want: "accepted" },
    { yaml: "url: http://a/\nbearer_token: x\nbearer_token_file: y", want: "at most one of bearer_token & bearer_token_file must be configured" },
    // The URL is checked before the client block.
    { yaml: "url: ''\nbearer_token: x\nbearer_token_file: y", want: "URL is missing" },
    // ...but TLS pairs are checked while decoding (common's TLSConfig.UnmarshalYAML validates), so before the URL.
    { yaml: "url: ''\ntls_config: {ca: x, ca_file: y}", want: "at most one of ca, ca_file & ca_ref must be configured" },
    { yaml: "url: http://a/\nfoo: 1", want: "yaml: unmarshal errors:\n  line 2: field foo not found in type http.SDConfig" },
  ];
  for (const c of cases) {
    assert.equal(problem(c.yaml), c.want, c.yaml);
  }
});

test("http_sd config: 2.42 accepts an unvalidated client block; the outermost authentication wins", () => {
  const cases: { yaml: string; authorization: string | undefined; basic: boolean; oauth2: boolean }[] = [
    { yaml: "bearer_token: x\nbearer_token_file: y", authorization: "Bearer x", basic: false, oauth2: false },
    { yaml: "basic_auth: {username: u}\nbearer_token: x", authorization: undefined, basic: true, oauth2: false },
    { yaml: "authorization: {credentials: c}\nbearer_token_file: y", authorization: "Bearer file:/etc/prom/y", basic: false, oauth2: false },
    { yaml: "oauth2: {client_id: i, client_secret: s, token_url: 'http://t/'}\nbasic_auth: {username: u}", authorization: undefined, basic: false, oauth2: true },
  ];
  for (const c of cases) {
    const yaml = `url: http://a/\n${c.yaml}`;
    assert.notEqual(problem(yaml, "v3"), "accepted", `v3 rejects: ${c.yaml}`);
    const config = parse(yaml, "v2.42");
    const auth = config.httpClient.authorization;
    const credentials = auth?.credentialsFile ? `file:${auth.credentialsFile}` : auth?.credentials.reveal();
    assert.equal(auth === undefined ? undefined : `${auth.type} ${credentials}`, c.authorization, c.yaml);
    assert.equal(config.httpClient.basicAuth !== undefined, c.basic, c.yaml);
    assert.equal(config.httpClient.oauth2 !== undefined, c.oauth2, c.yaml);
  }
  // Problems that do not involve authentication stay rejected under 2.42 too.
  assert.equal(problem("url: http://a/\nproxy_connect_header: {X: [y]}", "v2.42"), "if proxy_connect_header is configured proxy_url must also be configured");
});

test("http_sd config: defaults and the label-name scheme per profile", () => {
  const config = parse("url: http://127.0.0.1:8000/sd#frag");
  assert.equal(config.url, "http://127.0.0.1:8000/sd#frag");
  assert.equal(config.refreshIntervalMs, 60_000);
  assert.equal(config.scheme, "utf8");
  assert.equal(config.httpClient.followRedirects, true);
  assert.equal(parse("url: http://a/", "v2.42").scheme, "legacy");
  assert.equal(parse("url: http://a/\nrefresh_interval: 500ms").refreshIntervalMs, 500);
});

test("http_sd: X-Prometheus-Refresh-Interval-Seconds uses the shortest decimal form", () => {
  const cases: [number, string][] = [[60_000, "60"], [30_000, "30"], [500, "0.5"], [90_000, "90"], [3_600_000, "3600"], [1_500, "1.5"]];
  for (const [ms, want] of cases) assert.equal(refreshIntervalHeader(ms), want);
});

const U = "http://127.0.0.1:8000/http_sd.good.json";
const ok = (body: string, contentType = "application/json") => ({ status: 200, statusText: "OK", headers: { "content-type": contentType }, body: Buffer.from(body) });

test("http_sd: content types accepted and rejected (http.md 3.3)", () => {
  const cases: { header: string | undefined; accepted: boolean }[] = [
    { header: "application/json", accepted: true },
    { header: "application/json;charset=utf-8", accepted: true },
    { header: "application/json; charset=UTF-8", accepted: true },
    { header: 'Application/JSON;Charset="utf-8"', accepted: true },
    { header: "application/json;   charset=utf-8", accepted: true },
    { header: " application/json ", accepted: true },
    { header: "application/json;", accepted: false },
    { header: "application/json; charset=utf8", accepted: false },
    { header: "application/json; charset=UTF-9", accepted: false },
    { header: "application/json; charset=iso-8859-1", accepted: false },
    { header: "application/json; version=1", accepted: false },
    { header: "application/json; charset=utf-8; version=1", accepted: false },
    { header: "application/jsonl", accepted: false },
    { header: "text/plain", accepted: false },
    { header: "application/problem+json", accepted: false },
    { header: "application /json", accepted: false },
    { header: "application/ json", accepted: false },
    { header: undefined, accepted: false },
  ];
  for (const c of cases) {
    const response = { status: 200, statusText: "OK", headers: c.header === undefined ? {} : { "content-type": c.header }, body: Buffer.from("[]") };
    try {
      groupsFromResponse({ url: U, scheme: "utf8" }, response);
      assert.ok(c.accepted, `${c.header} should be rejected`);
    } catch (error) {
      assert.ok(!c.accepted, `${c.header} should be accepted`);
      assert.ok(error instanceof SourceError);
      assert.equal(error.message, `unsupported content type ${JSON.stringify(c.header ?? "")}`);
    }
  }
});

test("http_sd: example H1 and H2 (groups and error texts)", () => {
  assert.deepEqual(groupsFromResponse({ url: U, scheme: "utf8" }, ok('[{"labels": {"__meta_datacenter": "bru1", "__meta_url": "spoofed"}, "targets": ["127.0.0.1:9090"]}]')), [
    { source: `${U}:0`, labels: { __meta_datacenter: "bru1", __meta_url: U }, targets: [{ __address__: "127.0.0.1:9090" }] },
  ]);
  const failures: { name: string; response: ReturnType<typeof ok>; code: string; message: string | RegExp }[] = [
    { name: "400", response: { ...ok("[]"), status: 400, statusText: "Bad Request" }, code: "PROMSD_SOURCE_HTTP_STATUS", message: "server returned HTTP status 400 Bad Request" },
    { name: "204", response: { ...ok(""), status: 204, statusText: "No Content" }, code: "PROMSD_SOURCE_HTTP_STATUS", message: "server returned HTTP status 204 No Content" },
    { name: "text/plain before parsing", response: ok("{}", "text/plain; charset=utf-8"), code: "PROMSD_SOURCE_HTTP_CONTENT_TYPE", message: 'unsupported content type "text/plain; charset=utf-8"' },
    { name: "object instead of list", response: ok("{}"), code: "PROMSD_SOURCE_HTTP_BODY", message: /cannot unmarshal object/ },
    { name: "unknown field", response: ok('[{"target": ["a:1"]}]'), code: "PROMSD_SOURCE_HTTP_BODY", message: 'json: unknown field "target"' },
    { name: "null element", response: ok("[null]"), code: "PROMSD_SOURCE_HTTP_BODY", message: "nil target group item found" },
    { name: "empty body", response: ok(""), code: "PROMSD_SOURCE_HTTP_BODY", message: "unexpected end of JSON input" },
    { name: "truncated JSON", response: ok('[{"targets": ["a:1"'), code: "PROMSD_SOURCE_HTTP_BODY", message: "unexpected end of JSON input" },
  ];
  for (const f of failures) {
    assert.throws(() => groupsFromResponse({ url: U, scheme: "utf8" }, f.response), (error: unknown) => {
      assert.ok(error instanceof SourceError, f.name);
      assert.equal(error.code, f.code, f.name);
      if (typeof f.message === "string") assert.equal(error.message, f.message, f.name);
      else assert.match(error.message, f.message, f.name);
      return true;
    });
  }
  assert.deepEqual(groupsFromResponse({ url: U, scheme: "utf8" }, ok("null")), []);
  assert.deepEqual(groupsFromResponse({ url: U, scheme: "utf8" }, ok("[]")), []);
});

/** A scriptable http_sd endpoint: the next answer is whatever `reply` holds; requests are recorded. */
async function fakeEndpoint(t: TestContext): Promise<TestServer & { reply: { status: number; contentType: string; body: string; delayMs?: number }; seen: IncomingHttpHeaders[] }> {
  const state = { reply: { status: 200, contentType: "application/json", body: "[]" } as { status: number; contentType: string; body: string; delayMs?: number }, seen: [] as IncomingHttpHeaders[] };
  let endpoint: typeof state | undefined;
  const server = await startServer((request, response) => {
    if (endpoint === undefined) return;
    endpoint.seen.push(request.headers);
    const { status, contentType, body, delayMs } = endpoint.reply;
    const send = (): void => void response.writeHead(status, { "content-type": contentType }).end(body);
    if (delayMs === undefined) send();
    else setTimeout(send, delayMs).unref();
  });
  t.after(() => server.close());
  const result = Object.assign(server, state);
  endpoint = result;
  return result;
}

function summary(groups: readonly TargetGroup[]): string[] {
  return groups.map((g) => `${g.source.replace(/^http:\/\/127\.0\.0\.1:\d+/, "U")} ${JSON.stringify(g.labels["k"] ?? null)} ${g.targets.map((x) => x["__address__"]).join(",")}`);
}

const HTTP_FAILURES = "prometheus_sd_http_failures_total";

test("http_sd: example H3, groups disappear; failures keep the last targets and are counted", async (t) => {
  const endpoint = await fakeEndpoint(t);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createHttpSdDiscoverer(parse(`url: ${endpoint.origin}\nrefresh_interval: 30s`), deps));
  const next = async (): Promise<string[]> => summary(await updates.next());
  const body = (groups: [string, string][]): string => JSON.stringify(groups.map(([k, target]) => ({ labels: { k }, targets: [target] })));
  endpoint.reply = { status: 200, contentType: "application/json", body: body([["1", "127.0.0.1"], ["2", "127.0.0.1"], ["3", "127.0.0.1"]]) };
  assert.deepEqual(await next(), ['U:0 "1" 127.0.0.1', 'U:1 "2" 127.0.0.1', 'U:2 "3" 127.0.0.1']);
  endpoint.reply = { status: 200, contentType: "application/json", body: body([["1", "127.0.0.1"]]) };
  ticks.tick();
  assert.deepEqual(await next(), ['U:0 "1" 127.0.0.1', "U:1 null ", "U:2 null "]);

  // Failures in between: 500, wrong content type, bad JSON, slow answer (timeout): nothing is emitted.
  const bad = [
    { status: 500, contentType: "application/json", body: "[]" },
    { status: 200, contentType: "text/plain", body: "[]" },
    { status: 200, contentType: "application/json", body: "[{" },
  ];
  const pending = updates.pull(); // the loop runs only while someone is pulling
  for (const [i, reply] of bad.entries()) {
    endpoint.reply = reply;
    ticks.tick();
    await waitForMetric(deps.registry, { name: HTTP_FAILURES, value: i + 1, description: `failure ${i + 1} counted` });
  }
  assert.equal(await metricValue(deps.registry, "prometheus_sd_refresh_failures_total", { mechanism: "http", config: "job" }), 3);

  endpoint.reply = { status: 200, contentType: "application/json", body: body([["v", "127.0.0.2"], ["vv", "127.0.0.3"]]) };
  ticks.tick();
  const afterFailures = await pending;
  assert.ok(!afterFailures.done);
  assert.deepEqual(summary(afterFailures.value), ['U:0 "v" 127.0.0.2', 'U:1 "vv" 127.0.0.3']);
  endpoint.reply = { status: 200, contentType: "application/json", body: "[]" };
  ticks.tick();
  assert.deepEqual(await next(), ["U:0 null ", "U:1 null "]);
  ticks.tick();
  assert.deepEqual(await next(), []);

  const headers = endpoint.seen[0] ?? {};
  assert.equal(headers["accept"], "application/json");
  assert.equal(headers["x-prometheus-refresh-interval-seconds"], "30");
  assert.match(headers["user-agent"] ?? "", /^promsd\//);
  await updates.stop();
});

test("http_sd: a refresh that outlives refresh_interval times out and counts as a failure", async (t) => {
  const endpoint = await fakeEndpoint(t);
  endpoint.reply = { status: 200, contentType: "application/json", body: "[]", delayMs: 2_000 };
  const errors: string[] = [];
  const logger = { ...silentLogger, error: (fields: Record<string, unknown>) => void errors.push(String(fields["err"])), child: () => logger };
  const deps = testDeps({ logger, sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createHttpSdDiscoverer(parse(`url: ${endpoint.origin}/slow\nrefresh_interval: 100ms`), deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: HTTP_FAILURES, value: 1 });
  assert.match(errors[0] ?? "", /deadline exceeded/);
  await updates.stop(pending);
});

test("http_sd: oversized bodies fail the refresh", async (t) => {
  const endpoint = await fakeEndpoint(t);
  endpoint.reply = { status: 200, contentType: "application/json", body: JSON.stringify([{ targets: Array.from({ length: 100 }, (_, i) => `10.0.0.${i}:80`) }]) };
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createHttpSdDiscoverer({ ...parse(`url: ${endpoint.origin}`), maxBodyBytes: 100 }, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: HTTP_FAILURES, value: 1 });
  await updates.stop(pending);
});

test("http_sd: aborting the discoverer leaves no sockets or timers behind", async (t) => {
  const endpoint = await fakeEndpoint(t);
  endpoint.reply = { status: 200, contentType: "application/json", body: '[{"targets": ["a:1"]}]' };
  const count = (): number => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "Timeout").length;
  const baseline = count();
  const stop = new AbortController();
  const config = parse(`url: ${endpoint.origin}\nrefresh_interval: 50ms`);
  const updates = createHttpSdDiscoverer(config, testDeps()).discover(stop.signal);
  let seen = 0;
  for await (const groups of updates) {
    assert.equal(groups[0]?.targets[0]?.["__address__"], "a:1");
    if (++seen === 3) stop.abort();
  }
  await waitFor(() => count() <= baseline, { timeoutMs: 5_000, description: `active sockets and timers back to ${baseline}` });
});
