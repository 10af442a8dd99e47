/**
 * docker_sd against a real dockerd (src/testing/dockerd.ts: Debian's docker.io in a loopback-only network
 * namespace, on its own unix socket). One daemon for the whole file, with containers on the default bridge,
 * a labelled user network, an internal network, host mode, `container:` mode, no ports, several exposed
 * and published ports, a UDP-only port and a stopped container. promtool 2.42 and `promsd sd
 * --profile=v2.42` read the same daemon and must print the same targets; the v3 profile must differ from
 * that exactly where Prometheus 3.x's docker.go does (`container:` networks, match_first_network).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createLimiter, runPromsdSd, runPromtoolAndPromsd, sortedSdEntries, assertSameSdEntries, tempDir, writeOneJobConfig, ONE_JOB, type SdEntry } from "../../testing/index.js";
import { startFakeDockerEngine, type EngineFault, type EngineState } from "./fake-docker-engine.js";
import { BUSYBOX_IMAGE, startDockerd, type RealDockerd } from "../../testing/dockerd.js";

let dockerd: RealDockerd;
const ids: Record<string, string> = {};

before(async () => {
  dockerd = await startDockerd();
  const run = async (name: string, ...args: string[]): Promise<void> => {
    ids[name] = await dockerd.docker("run", "-d", "--name", name, ...args, BUSYBOX_IMAGE, "sleep", "3600");
  };
  await dockerd.docker("network", "create", "--label", "com.example.team=infra", "usernet");
  await dockerd.docker("network", "create", "--internal", "intnet");
  await run("web", "-p", "127.0.0.1:8080:80", "-p", "127.0.0.1:8443:443", "--expose", "9100", "--expose", "53/udp", "-l", "prometheus.io/job=web", "-l", "team=a");
  await run("multi", "--network", "usernet", "-l", "prometheus.io/job=multi");
  await dockerd.docker("network", "connect", "bridge", "multi");
  await run("hosty", "--network", "host");
  await run("sidecar", "--network", "container:web");
  await run("noports");
  await run("internal", "--network", "intnet", "--expose", "8000");
  await run("udponly", "--expose", "514/udp");
  await dockerd.docker("create", "--name", "stopped", "--expose", "1234", BUSYBOX_IMAGE, "sleep", "1");
});

after(() => dockerd?.close());

const byContainer = (entries: readonly string[], name: string): SdEntry[] =>
  entries.map((e) => JSON.parse(e) as SdEntry).filter((e) => e.discoveredLabels.__meta_docker_container_name === `/${name}`); // our own JSON

test("docker (oracle): promtool 2.42 and promsd sd print the same targets for a real dockerd", async (t) => {
  const dir = await tempDir(t);
  await writeOneJobConfig(dir, "docker_sd_configs", `host: ${dockerd.host}`);
  const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }));
  // web: 3 TCP ports on bridge; multi: two networks; hosty, noports, internal, udponly: one each; sidecar: none in 2.42.
  assert.equal(want.length, 9, want.join("\n"));
  const web = byContainer(want, "web");
  assert.deepEqual(web.map((e) => e.discoveredLabels.__meta_docker_port_private).sort(), ["443", "80", "9100"]);
  assert.equal(web.find((e) => e.discoveredLabels.__meta_docker_port_private === "80")?.discoveredLabels.__meta_docker_port_public_ip, "127.0.0.1");
  assert.equal(web[0]?.discoveredLabels.__meta_docker_container_label_prometheus_io_job, "web");
  assert.equal(byContainer(want, "hosty")[0]?.discoveredLabels.__address__, "localhost");
  assert.equal(byContainer(want, "internal")[0]?.discoveredLabels.__meta_docker_network_internal, "true");
  assert.match(byContainer(want, "udponly")[0]?.discoveredLabels.__address__ ?? "", /:80$/);
  assert.deepEqual(byContainer(want, "multi").map((e) => e.discoveredLabels.__meta_docker_network_name).sort(), ["bridge", "usernet"]);
  assert.equal(byContainer(want, "multi").find((e) => e.discoveredLabels.__meta_docker_network_name === "usernet")?.discoveredLabels.__meta_docker_network_label_com_example_team, "infra");
  assert.equal(byContainer(want, "sidecar").length, 0);
});

test("docker (oracle): filters, port and host_networking_host as promtool 2.42 applies them", async (t) => {
  const dir = await tempDir(t);
  await writeOneJobConfig(dir, "docker_sd_configs", `host: ${dockerd.host}\nport: 9999\nhost_networking_host: node-1.example\nrefresh_interval: 30s\nfilters:\n  - name: name\n    values: [hosty, noports, multi]\n  - name: label\n    values: [prometheus.io/job=multi]`);
  const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }));
  // Docker ANDs different filter names: only multi (name matches and has the label), on both networks.
  assert.deepEqual(want.map((e) => (JSON.parse(e) as SdEntry).discoveredLabels.__address__?.replace(/^.*:/, "")).sort(), ["9999", "9999"]);
  const noLabel = await tempDir(t);
  await writeOneJobConfig(noLabel, "docker_sd_configs", `host: ${dockerd.host}\nport: 9999\nhost_networking_host: node-1.example\nfilters: [{name: name, values: [hosty, noports]}]`);
  const both = assertSameSdEntries(await runPromtoolAndPromsd(noLabel, { timeoutMs: 2000 }));
  assert.deepEqual(both.map((e) => (JSON.parse(e) as SdEntry).discoveredLabels.__address__).filter((a) => !a?.endsWith(":9999")), ["node-1.example"]);
});

test("docker (v3): container: mode shares networks and match_first_network keeps one, as Prometheus 3.x does", async (t) => {
  const dir = await tempDir(t);
  await writeOneJobConfig(dir, "docker_sd_configs", `host: ${dockerd.host}`);
  const run = (profile: "v3" | "v2.42") => runPromsdSd(dir, ONE_JOB.configFile, ONE_JOB.job, { timeoutMs: 1500, profile }).then(sortedSdEntries);
  const [v3, v242] = await Promise.all([run("v3"), run("v2.42")]);
  const sidecar = byContainer(v3, "sidecar");
  // Only the networks are borrowed: the sidecar has no ports of its own, so it gets the default port.
  const webIp = byContainer(v3, "web")[0]?.discoveredLabels.__meta_docker_network_ip ?? "";
  assert.deepEqual(sidecar.map((e) => e.discoveredLabels.__address__), [`${webIp}:80`], "the sidecar is reached at web's bridge address");
  assert.equal(sidecar[0]?.discoveredLabels.__meta_docker_network_name, "bridge");
  assert.equal(sidecar[0]?.discoveredLabels.__meta_docker_container_network_mode, `container:${ids.web}`);
  assert.deepEqual(byContainer(v3, "multi").map((e) => e.discoveredLabels.__meta_docker_network_name), ["bridge"], "first network by name");
  // The v3 output adds v3's scrape labels; what discovery produced (__address__ and __meta_*) must match.
  const others = (entries: readonly string[]) => entries.filter((e) => !/"\/(sidecar|multi)"/.test(e)).map((e) => {
    const discovered = (JSON.parse(e) as SdEntry).discoveredLabels; // our own JSON
    return JSON.stringify(Object.entries(discovered).filter(([name]) => name === "__address__" || name.startsWith("__meta_")));
  }).sort();
  assert.deepEqual(others(v3), others(v242), "every other container is the same in both profiles");

  const all = await tempDir(t);
  await writeOneJobConfig(all, "docker_sd_configs", `host: ${dockerd.host}\nmatch_first_network: false`);
  const v3All = sortedSdEntries(await runPromsdSd(all, ONE_JOB.configFile, ONE_JOB.job, { timeoutMs: 1500, profile: "v3" }));
  assert.deepEqual(byContainer(v3All, "multi").map((e) => e.discoveredLabels.__meta_docker_network_name).sort(), ["bridge", "usernet"]);
});

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

test("docker (oracle): the fake engine serving Prometheus's fixtures and faults reads the same in promtool 2.42 and promsd", async (t) => {
  const cases: { name: string; state: EngineState; fault?: [string, EngineFault]; minTargets: number }[] = [
    { name: "dockerprom", state: { containers: fixture("dockerprom-containers.json"), networks: fixture("dockerprom-networks.json") }, minTargets: 10 },
    { name: "dockeripv6", state: { containers: fixture("dockeripv6-containers.json"), networks: fixture("dockeripv6-networks.json") }, minTargets: 1 },
    { name: "500 on containers", state: { containers: [], networks: [] }, fault: ["containers", { status: 500, body: '{"message":"x"}' }], minTargets: 0 },
    { name: "truncated networks", state: { containers: fixture("dockerprom-containers.json"), networks: fixture("dockerprom-networks.json") }, fault: ["networks", { truncateAfterBytes: 40 }], minTargets: 0 },
    { name: "wrong JSON type", state: { containers: [{ Id: "c", Names: ["/n"], Ports: [{ PrivatePort: "80" }] }], networks: [] }, minTargets: 0 },
  ];
  const limit = createLimiter(2);
  await Promise.all(cases.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const engine = await startFakeDockerEngine(c.state, { socketPath: join(dir, "d.sock") });
    try {
      if (c.fault) engine.faults.set(...c.fault);
      await writeOneJobConfig(dir, "docker_sd_configs", `host: ${engine.host}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
      assert.ok(want.length >= c.minTargets, `${c.name}: ${want.length} targets`);
    } finally {
      await engine.close();
    }
  })));
});

test("docker (oracle): the HTTP client block applies to http:// hosts only, as in promtool 2.42", async (t) => {
  const state: EngineState = { containers: fixture("dockerprom-containers.json"), networks: fixture("dockerprom-networks.json") };
  const engine = await startFakeDockerEngine(state);
  t.after(() => engine.close());
  const port = new URL(engine.host).port;
  for (const host of [`http://127.0.0.1:${port}`, `tcp://127.0.0.1:${port}`]) {
    const dir = await tempDir(t);
    await writeOneJobConfig(dir, "docker_sd_configs", `host: ${host}\nbasic_auth: {username: u, password: pw}`);
    engine.requests.length = 0;
    assert.ok(assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), host).length >= 10);
    const authorizations = new Set(engine.requests.map((r) => r.headers.authorization));
    assert.deepEqual([...authorizations], host.startsWith("http:") ? [`Basic ${Buffer.from("u:pw").toString("base64")}`] : [undefined], host);
    assert.ok(engine.requests.length >= 6, "both programs asked");
  }
});
