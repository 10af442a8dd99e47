/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` both poll the same fake Marathon on 127.0.0.1; their printed targets must be
 * the same set (entry order is Go map order, so both sides are sorted). Each corpus case is one state of
 * the fake: every port style, tasks appearing and vanishing between states, and broken answers.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { generateTestCerts } from "../../http/test-support.js";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeMarathon, type FakeMarathonAnswer } from "./fake-marathon-server.js";

const task = (id: string, host: string, ports: number[] = [], ipAddresses: string[] = []) => ({ id, host, ports, ipAddresses: ipAddresses.map((ipAddress) => ({ ipAddress, protocol: "IPv4" })) });
const web = (tasks: unknown[]) => ({ id: "/prod/web", labels: { team: "a", "prometheus.io/port": "9100" }, container: { docker: { image: "web:1" } }, tasks });

const CORPUS: { name: string; apps?: unknown[]; answer?: FakeMarathonAnswer }[] = [
  { name: "no apps", apps: [] },
  { name: "container.portMappings, host ports", apps: [{ id: "a", labels: { prometheus: "yes" }, container: { docker: { image: "i" }, portMappings: [{ containerPort: 80, hostPort: 31000, labels: { metrics: "true" } }, { containerPort: 81, hostPort: 31001 }] }, tasks: [task("a.1", "agent-1", [31000, 31001])] }] },
  { name: "legacy docker.portMappings", apps: [{ id: "b", container: { docker: { image: "i", portMappings: [{ hostPort: 32000, labels: { "x-y": "z" } }] } }, tasks: [task("b.1", "agent-2")] }] },
  { name: "auto-assigned host port 0", apps: [{ id: "c", container: { portMappings: [{ hostPort: 0 }, { hostPort: 9 }] }, tasks: [task("c.1", "h", [4000, 9]), task("c.2", "h2", [5000])] }] },
  { name: "container network uses task IP and container ports", apps: [{ id: "d", container: { portMappings: [{ containerPort: 8080, hostPort: 31000 }] }, networks: [{ mode: "container", name: "n" }], tasks: [task("d.1", "h", [], ["10.0.0.7", "10.0.0.8"]), task("d.2", "h2")] }] },
  { name: "container/bridge network uses host ports", apps: [{ id: "e", container: { portMappings: [{ containerPort: 8080, hostPort: 31000 }] }, networks: [{ mode: "container/bridge" }], tasks: [task("e.1", "h", [], ["10.0.0.7"])] }] },
  { name: "port definitions, requirePorts false", apps: [{ id: "f", portDefinitions: [{ port: 10000, labels: { a: "1" } }, { port: 10001 }], tasks: [task("f.1", "h", [20000, 20001]), task("f.2", "h2", [20005])] }] },
  { name: "port definitions, requirePorts true", apps: [{ id: "g", requirePorts: true, portDefinitions: [{ port: 10000 }, { port: 10001, labels: { b: "2" } }], tasks: [task("g.1", "h", [10000, 10001])] }] },
  { name: "task ports only, first task's ports reused", apps: [{ id: "/svc", tasks: [task("t0", "h0"), task("t1", "h1", [31000, 32000]), task("t2", "h2", [31500, 32500])] }] },
  { name: "IPv6 and odd hosts, app without tasks, duplicate ids", apps: [{ id: "v6", tasks: [task("x", "::1", [80]), task("y", "", [81])] }, { id: "idle" }, { id: "dup", tasks: [task("old", "h", [1])] }, { id: "dup", tasks: [task("new", "h", [2])] }] },
  { name: "state 1: two web tasks", apps: [web([task("w1", "h1", [1000]), task("w2", "h2", [1001])])] },
  { name: "state 2: one web task vanished, one appeared", apps: [web([task("w2", "h2", [1001]), task("w3", "h3", [1002])])] },
  { name: "state 3: web scaled to zero", apps: [web([])] },
  { name: "case-insensitive keys, unknown and null fields", apps: [{ ID: "k", Labels: { K: "V" }, tasks: [{ ID: "k.1", Host: "h", Ports: [7], state: "TASK_RUNNING", healthCheckResults: [{ alive: false }] }], container: null, portDefinitions: null }] },
  { name: "500", answer: { status: 500, body: "boom" } },
  { name: "bad JSON type", answer: { status: 200, body: '{"apps": [{"id": "a", "tasks": [{"ports": [-1]}]}]}' } },
  { name: "truncated body", answer: { status: 200, body: '{"apps": [{"id": "a", "tasks": []}]}', truncateAfterBytes: 12 } },
  { name: "not JSON", answer: { status: 200, body: "<html></html>", contentType: "text/html" } },
];

test("marathon (oracle): promtool 2.42 and promsd sd print the same targets for every fake Marathon state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const marathon = await startFakeMarathon({ apps: c.apps ?? [] });
    try {
      if (c.answer) marathon.answerAlways(c.answer);
      const dir = await tempDir(t);
      await writeOneJobConfig(dir, "marathon_sd_configs", `servers: ['${marathon.url}']\nauth_token: tok`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
      compared += want.length;
      assert.ok(marathon.requests.length >= 2, `${c.name}: both programs asked`);
      for (const request of marathon.requests) {
        assert.equal(request.url, "/v2/apps/?embed=apps.tasks");
        assert.equal(request.headers.authorization, "token=tok");
      }
    } finally {
      await marathon.close();
    }
  })));
  assert.ok(compared >= 20, `only ${compared} targets compared: the corpus is not exercising anything`);
});

test("marathon (oracle): HTTPS with a private CA and basic auth, as promtool 2.42 does it", async (t) => {
  const dir = await tempDir(t);
  const certs = generateTestCerts(dir);
  const marathon = await startFakeMarathon({
    apps: [{ id: "/tls", labels: { secure: "yes" }, tasks: [task("t1", "h1", [443, 8443])] }],
    tls: { cert: certs.serverCert, key: certs.serverKey },
  });
  t.after(() => marathon.close());
  await writeFile(join(dir, "password"), "pw\n");
  await writeOneJobConfig(dir, "marathon_sd_configs", `servers: ['${marathon.url}']\nbasic_auth: {username: u, password_file: password}\ntls_config: {ca_file: ${certs.caFile}}`);
  const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }));
  assert.equal(want.length, 2);
  assert.equal(marathon.requests.length, 2);
  for (const request of marathon.requests) assert.equal(request.headers.authorization, `Basic ${Buffer.from("u:pw").toString("base64")}`);
});
