import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, testDeps, waitForMetric } from "../../testing/index.js";
import { parseOpenStackConfig, type OpenStackConfig } from "./config.js";
import { createOpenStackDiscoverer } from "./discoverer.js";
import { startFakeOpenStack, type FakeOpenStack } from "./fake-openstack.js";
import { tokenRequestBody } from "./keystone.js";

const EXPECTED = JSON.parse(readFileSync(new URL("./fixtures/expected-targets.json", import.meta.url), "utf8")) as Record<string, LabelSet[]>; // our fixture
const sorted = (targets: readonly LabelSet[]): string[] => targets.map((t) => JSON.stringify(Object.fromEntries(Object.entries(t).sort()))).sort();
const parse = (yaml: string, profile: Profile = "v3"): OpenStackConfig => parseConfigYaml(parseOpenStackConfig, yaml, { profile });
const block = (fake: FakeOpenStack, extra: string): string => `identity_endpoint: ${fake.identityEndpoint}\nusername: test\npassword: test\ndomain_name: "12345"\nregion: RegionOne\n${extra}`;
const failures = { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "openstack" } };

test("openstack config: defaults, and Prometheus's checks in its order", () => {
  const config = parse("role: instance\nregion: R");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 60_000);
  assert.equal(config.availability, "public");
  assert.equal(config.allTenants, false);
  const cases: [string, string, Profile?][] = [
    ["role: router\nregion: R", 'unknown OpenStack SD role "router"'],
    ["role: loadbalancer\nregion: R", 'unknown OpenStack SD role "loadbalancer"', "v2.42"],
    ["role: instance\nregion: R\navailability: private", "unknown availability private, must be one of admin, internal or public"],
    ["region: R", "role missing (one of: instance, hypervisor, loadbalancer)"],
    ["region: R", "role missing (one of: instance, hypervisor)", "v2.42"],
    ["role: hypervisor", "openstack SD configuration requires a region"],
    ["role: hypervisor\nregion: R\ntoken: t", "yaml: unmarshal errors:\n  line 3: field token not found in type openstack.plain"],
    ["role: hypervisor\nregion: R\nrefresh_interval: 0s", "refresh_interval must be greater than 0"],
  ];
  for (const [yaml, want, profile] of cases) assert.equal(configProblem(() => parse(yaml, profile)), want, yaml);
  assert.equal(configProblem(() => parse("role: loadbalancer\nregion: R")), "accepted");
});

test("openstack keystone: the token request body for each kind of credentials, scoped as gophercloud scopes it", () => {
  const body = (yaml: string): unknown => tokenRequestBody(parse(`role: instance\nregion: R\n${yaml}`).credentials);
  assert.deepEqual(body("username: u\npassword: p\ndomain_name: d\nproject_name: x"), {
    auth: { identity: { methods: ["password"], password: { user: { name: "u", domain: { name: "d" }, password: "p" } } }, scope: { project: { name: "x", domain: { name: "d" } } } },
  });
  assert.deepEqual(body("userid: uid\npassword: p\nproject_id: pid"), {
    auth: { identity: { methods: ["password"], password: { user: { id: "uid", password: "p" } } }, scope: { project: { id: "pid" } } },
  });
  assert.deepEqual(body("username: u\npassword: p\ndomain_id: did"), { auth: { identity: { methods: ["password"], password: { user: { name: "u", domain: { id: "did" }, password: "p" } } } } });
  assert.deepEqual(body("application_credential_id: ac\napplication_credential_secret: s\nproject_id: ignored"), {
    auth: { identity: { methods: ["application_credential"], application_credential: { id: "ac", secret: "s" } } },
  });
  assert.deepEqual(body("application_credential_name: n\napplication_credential_secret: s\nusername: u\ndomain_name: d"), {
    auth: { identity: { methods: ["application_credential"], application_credential: { name: "n", user: { name: "u", domain: { name: "d" } }, secret: "s" } } },
  });
  assert.throws(() => body("username: u\npassword: p"), /exactly one of DomainID or DomainName to authenticate by Username/);
});

for (const role of ["instance", "hypervisor", "loadbalancer"] as const) {
  test(`openstack: Prometheus's ${role} test vectors from its mock API`, async (t) => {
    const fake = await startFakeOpenStack();
    t.after(() => fake.close());
    const config = parse(block(fake, `role: ${role}\nport: 0\nall_tenants: true`));
    const updates = pullUpdates(t, createOpenStackDiscoverer(config, testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, "OS_RegionOne");
    assert.deepEqual(sorted(group?.targets ?? []), sorted(EXPECTED[role] ?? []));
    for (const request of fake.requests.filter((r) => !r.url.startsWith("/v3"))) assert.match(request.token ?? "", /^token-/);
  });
}

test("openstack: 2.42 reads floating IPs from Nova and labels flavors by id only", async (t) => {
  const fake = await startFakeOpenStack();
  t.after(() => fake.close());
  const updates = pullUpdates(t, createOpenStackDiscoverer(parse(block(fake, "role: instance"), "v2.42"), testDeps()));
  const [group] = await updates.next();
  const targets = group?.targets ?? [];
  // The servers whose flavor has only original_name are skipped by 2.42; image ids are not labels.
  assert.deepEqual(targets.map((t) => t["__meta_openstack_instance_id"]).sort(), ["ef079b0c-e610-4dfb-b1aa-b49f07ac48e5"]);
  assert.equal(targets[0]?.["__meta_openstack_public_ip"], "10.10.10.2");
  assert.equal(targets[0]?.["__meta_openstack_instance_image"], undefined);
  assert.deepEqual(fake.requests.map((r) => r.url.split("?")[0]), ["/v3/auth/tokens", "/compute/v2.1/os-floating-ips", "/compute/v2.1/servers/detail"]);
});

test("openstack: Nova pages are followed through servers_links (marker), all_tenants kept", async (t) => {
  const fake = await startFakeOpenStack();
  t.after(() => fake.close());
  fake.pageSize = 2;
  const updates = pullUpdates(t, createOpenStackDiscoverer(parse(block(fake, "role: instance\nport: 0\nall_tenants: true")), testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets.length, EXPECTED["instance"]?.length);
  const pages = fake.requests.filter((r) => r.url.startsWith("/compute/v2.1/servers/detail")).map((r) => r.url);
  assert.equal(pages.length, 3);
  assert.ok(pages.every((url) => url.includes("all_tenants=true")));
  assert.match(pages[2] ?? "", /marker=9e5476bd-a4ec-4653-93d6-72c93aa682bb/);
});

test("openstack: the token is kept between refreshes and renewed after a 401 or when it expires", async (t) => {
  const fake = await startFakeOpenStack();
  t.after(() => fake.close());
  const ticks = manualTicks();
  const updates = pullUpdates(t, createOpenStackDiscoverer(parse(block(fake, "role: hypervisor")), testDeps({ sleep: ticks.sleep })));
  await updates.next();
  ticks.tick();
  await updates.next();
  assert.equal(fake.authBodies.length, 1, "second refresh reused the token");
  fake.revokeTokens();
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 2);
  assert.equal(fake.authBodies.length, 2, "the 401 led to one new token");
  fake.tokenLifetimeMs = 30_000; // within the renewal margin: used once, not kept
  fake.revokeTokens();
  ticks.tick();
  await updates.next();
  ticks.tick();
  await updates.next();
  assert.equal(fake.authBodies.length, 5);
});

test("openstack: throttling is answered after Retry-After; an outage keeps the last targets and is counted", async (t) => {
  const fake = await startFakeOpenStack();
  t.after(() => fake.close());
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createOpenStackDiscoverer(parse(block(fake, "role: hypervisor")), deps));
  fake.failNext("/compute", { status: 429, headers: { "retry-after": "0" } }, 2);
  assert.equal((await updates.next())[0]?.targets.length, 2);
  assert.equal(fake.requests.filter((r) => r.url === "/compute/v2.1/os-hypervisors/detail").length, 3);
  fake.failNext("/compute", { status: 500, body: "down" }, 1);
  ticks.tick();
  const pending = updates.pull();
  await waitForMetric(deps.registry, { ...failures, value: 1 });
  fake.failNext("/compute", { status: 200, body: '{"hypervisors": [' }, 1); // a cut-off page
  ticks.tick();
  await waitForMetric(deps.registry, { ...failures, value: 2 });
  ticks.tick();
  const next = await pending;
  assert.equal(next.done, false);
  assert.equal(next.value?.[0]?.targets.length, 2);
});

test("openstack: an oversized answer and a server that is gone fail the refresh without emitting", async (t) => {
  const fake = await startFakeOpenStack();
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const config = { ...parse(block(fake, "role: hypervisor")), maxBodyBytes: 4096 };
  fake.data.hypervisors = Array.from({ length: 100 }, (_, i) => ({ id: i, host_ip: `10.0.0.${i}`, hypervisor_hostname: `h${i}` }));
  const updates = pullUpdates(t, createOpenStackDiscoverer(config, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { ...failures, value: 1 });
  await fake.close();
  ticks.tick();
  await waitForMetric(deps.registry, { ...failures, value: 2 });
  await updates.stop(pending);
});

test("openstack: without identity_endpoint the OS_* environment supplies the credentials, as gophercloud reads it", async (t) => {
  const fake = await startFakeOpenStack();
  t.after(() => fake.close());
  const env = { OS_AUTH_URL: fake.url, OS_USERID: "uid", OS_PASSWORD: "pw", OS_PROJECT_ID: "pid" };
  const updates = pullUpdates(t, createOpenStackDiscoverer(parse("role: hypervisor\nregion: RegionOne"), testDeps(), { env }));
  assert.equal((await updates.next())[0]?.targets.length, 2);
  assert.deepEqual(fake.authBodies, [{ auth: { identity: { methods: ["password"], password: { user: { id: "uid", password: "pw" } } }, scope: { project: { id: "pid" } } } }]);
  assert.equal(fake.requests[0]?.url, "/", "an endpoint without /v3 is resolved through the version document");
  assert.throws(() => createOpenStackDiscoverer(parse("role: hypervisor\nregion: R"), testDeps(), { env: {} }), /OS_AUTH_URL needs to be set/);
});
