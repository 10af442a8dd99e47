/**
 * dockerswarm_sd against a real single-node swarm: one dockerd for the file (src/testing/dockerd.ts, a
 * loopback-only network namespace), `docker swarm init --advertise-addr 127.0.0.1`, a labelled node, an
 * overlay network, and services in every shape the roles care about: replicated with an ingress-published
 * port on two networks, global with a host-mode port, no port at all, DNS round-robin (no virtual IP) and
 * container labels. promtool 2.42 and `promsd sd --profile=v2.42` read the same manager for each role,
 * with and without filters, and must print the same targets. The fake engine serving Prometheus's
 * fixtures (plugin services excluded: 2.42 crashes on them) is compared too.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, waitFor, writeOneJobConfig, type SdEntry } from "../../testing/index.js";
import { BUSYBOX_IMAGE, startDockerd, type RealDockerd } from "../../testing/dockerd.js";
import { startFakeDockerEngine, type EngineState } from "../docker/fake-docker-engine.js";

let dockerd: RealDockerd;

before(async () => {
  dockerd = await startDockerd();
  await dockerd.docker("swarm", "init", "--advertise-addr", "127.0.0.1");
  const nodeId = await dockerd.docker("node", "ls", "-q");
  await dockerd.docker("node", "update", "--label-add", "zone=a", "--label-add", "com.example.rack=r1", nodeId);
  await dockerd.docker("network", "create", "-d", "overlay", "--label", "team=infra", "appnet");
  const service = (name: string, ...args: string[]) => dockerd.docker("service", "create", "-d", "--name", name, "--stop-grace-period", "0s", ...args, BUSYBOX_IMAGE, "sleep", "3600");
  await service("web", "--replicas", "2", "-p", "8081:80", "-p", "8053:53/udp", "--network", "appnet", "-l", "prometheus.io/job=web", "--container-label", "app.tier=front");
  await service("agent", "--mode", "global", "--publish", "mode=host,target=9100,published=9100", "-l", "prometheus.io/job=agent");
  await service("quiet", "--network", "appnet");
  await service("rr", "--endpoint-mode", "dnsrr", "--network", "appnet");
  // 2 web + 1 agent + 1 quiet + 1 rr tasks, all running, before anyone compares.
  await waitFor(async () => {
    const states = (await dockerd.docker("service", "ps", "-q", "--filter", "desired-state=running", "--format", "{{.CurrentState}}", "web", "agent", "quiet", "rr")).split("\n");
    return states.length === 5 && states.every((s) => s.startsWith("Running"));
  }, { timeoutMs: 30_000, description: "every swarm task running" });
});

after(() => dockerd?.close());

const parsed = (entries: readonly string[]): SdEntry[] => entries.map((e) => JSON.parse(e) as SdEntry); // our own JSON

test("dockerswarm (oracle): promtool 2.42 and promsd sd print the same targets for every role of a real swarm", async (t) => {
  const cases: { name: string; block: string; check: (entries: SdEntry[]) => void }[] = [
    {
      name: "services",
      block: "role: services",
      check: (entries) => {
        const web = entries.filter((e) => e.discoveredLabels.__meta_dockerswarm_service_name === "web");
        assert.deepEqual(web.map((e) => e.discoveredLabels.__meta_dockerswarm_network_name).sort(), ["appnet", "ingress"], "one target per VIP, TCP port only");
        assert.ok(web.every((e) => e.discoveredLabels.__address__?.endsWith(":8081")));
        assert.equal(entries.filter((e) => e.discoveredLabels.__meta_dockerswarm_service_name === "rr").length, 0, "dnsrr services have no virtual IP");
        assert.match(entries.find((e) => e.discoveredLabels.__meta_dockerswarm_service_name === "quiet")?.discoveredLabels.__address__ ?? "", /:80$/);
      },
    },
    {
      name: "tasks",
      block: "role: tasks",
      check: (entries) => {
        const agent = entries.filter((e) => e.discoveredLabels.__meta_dockerswarm_service_name === "agent");
        assert.deepEqual(agent.map((e) => e.discoveredLabels.__address__), ["127.0.0.1:9100"], "host-mode port at the node address");
        assert.equal(agent[0]?.discoveredLabels.__meta_dockerswarm_node_label_zone, "a");
        assert.equal(entries.find((e) => e.discoveredLabels.__meta_dockerswarm_service_name === "web")?.discoveredLabels.__meta_dockerswarm_container_label_app_tier, "front");
        // web: 2 tasks × (ingress, appnet); agent: its host-mode port; quiet and rr: their appnet address on port 80.
        assert.equal(entries.length, 7);
      },
    },
    {
      name: "nodes",
      block: "role: nodes\nport: 9323",
      check: (entries) => {
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.discoveredLabels.__address__, "127.0.0.1:9323");
        assert.equal(entries[0]?.discoveredLabels.__meta_dockerswarm_node_manager_leader, "true");
        assert.equal(entries[0]?.discoveredLabels.__meta_dockerswarm_node_label_com_example_rack, "r1");
      },
    },
    { name: "services filtered by name", block: "role: services\nfilters: [{name: name, values: [web, quiet]}]", check: (entries) => assert.equal(entries.length, 3) },
    { name: "tasks filtered by service and desired state", block: "role: tasks\nport: 7000\nfilters: [{name: service, values: [quiet]}, {name: desired-state, values: [running]}]", check: (entries) => assert.match(entries[0]?.discoveredLabels.__address__ ?? "", /:7000$/) },
    { name: "nodes filtered by role", block: "role: nodes\nfilters: [{name: role, values: [worker]}]", check: (entries) => assert.equal(entries.length, 0) },
  ];
  const limit = createLimiter(2);
  await Promise.all(cases.map((c) => limit(async () => {
    const dir = await tempDir(t);
    await writeOneJobConfig(dir, "dockerswarm_sd_configs", `host: ${dockerd.host}\n${c.block}`);
    c.check(parsed(assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name)));
  })));
});

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

test("dockerswarm (oracle): the fake engine serving Prometheus's swarmprom fixtures reads the same in promtool 2.42 and promsd", async (t) => {
  const state: EngineState = { services: fixture("swarmprom-services.json"), tasks: fixture("swarmprom-tasks.json"), nodes: fixture("swarmprom-nodes.json"), networks: fixture("swarmprom-networks.json") };
  const limit = createLimiter(2);
  await Promise.all(["services", "tasks", "nodes"].map((role) => limit(async () => {
    const dir = await tempDir(t);
    const engine = await startFakeDockerEngine(state, { socketPath: join(dir, "d.sock") });
    try {
      await writeOneJobConfig(dir, "dockerswarm_sd_configs", `host: ${engine.host}\nrole: ${role}`);
      assert.ok(assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), role).length >= 5);
    } finally {
      await engine.close();
    }
  })));
});
