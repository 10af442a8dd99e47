/**
 * The real CLI (`promsd sd`, profile v3) against FakeConsul: prometheus.yml parsing, the provider registry, the
 * discovery manager, target building and the printed entries, end to end through a real socket.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { runPromsdSd, tempDir } from "../../testing/index.js";
import { FakeConsul, type HealthEntryJson } from "./fake-consul-server.js";

const ENTRIES: HealthEntryJson[] = [
  {
    Node: { Node: "node1", Address: "1.1.1.1", TaggedAddresses: { lan: "192.168.10.10" }, Meta: { rack_name: "2304" } },
    Service: { ID: "web-1", Service: "web", Tags: ["prom"], Address: "", Port: 3341, Meta: { version: "1.0.0" } },
    Checks: [{ CheckID: "serfHealth", Status: "passing" }],
  },
  {
    Node: { Node: "node2", Address: "10.0.0.2" },
    Service: { ID: "web-2", Service: "web", Tags: [], Address: "web-2.internal", Port: 8080 },
    Checks: [{ CheckID: "service:web-2", Status: "critical" }],
  },
];

test("consul cli: promsd sd prints the discovered __meta_consul_* labels and the final labels of every instance", async (t) => {
  const consul = await new FakeConsul({ token: "fake-token", holdMs: 1000 }).start();
  t.after(() => consul.close());
  consul.setService("web", ENTRIES);
  const dir = await tempDir(t);
  await writeFile(join(dir, "prometheus.yml"), [
    "scrape_configs:",
    "  - job_name: consul-job",
    "    consul_sd_configs:",
    `      - server: '${consul.address}'`,
    "        token: fake-token",
    "        services: [web]",
    "    relabel_configs:",
    "      - source_labels: [__meta_consul_node]",
    "        target_label: node",
    "",
  ].join("\n"));

  const run = await runPromsdSd(dir, "prometheus.yml", "consul-job", { timeoutMs: 20_000 });
  assert.equal(run.exitCode, 0, `${run.command}\n${run.stderr}`);
  assert.ok(run.entries, run.parseError);
  const common = { job: "consul-job", __scheme__: "http", __metrics_path__: "/metrics" };
  const byAddress = new Map(run.entries.map((e) => [e.discoveredLabels.__address__, e]));
  assert.deepEqual([...byAddress.keys()].sort(), ["1.1.1.1:3341", "web-2.internal:8080"]);

  const first = byAddress.get("1.1.1.1:3341");
  assert.deepEqual(pick(first?.discoveredLabels, "__meta_consul_"), {
    __meta_consul_address: "1.1.1.1", __meta_consul_dc: "test-dc", __meta_consul_health: "passing", __meta_consul_node: "node1",
    __meta_consul_service: "web", __meta_consul_service_id: "web-1", __meta_consul_service_port: "3341", __meta_consul_tags: ",prom,",
    __meta_consul_metadata_rack_name: "2304", __meta_consul_service_metadata_version: "1.0.0", __meta_consul_tagged_address_lan: "192.168.10.10",
  });
  assert.deepEqual(pick(first?.discoveredLabels, "__meta_"), pick(first?.discoveredLabels, "__meta_consul_"), "no other discovery labels");
  assert.deepEqual(pickKnown(first?.discoveredLabels, common), common);
  assert.deepEqual(visible(first?.labels), { instance: "1.1.1.1:3341", job: "consul-job", node: "node1" });
  assert.deepEqual(pickKnown(first?.labels, { ...common, __address__: "1.1.1.1:3341" }), { ...common, __address__: "1.1.1.1:3341" });
  assert.deepEqual(pick(first?.labels, "__meta_"), {}, "relabelling drops the __meta_ labels");

  const second = byAddress.get("web-2.internal:8080");
  assert.deepEqual(pick(second?.discoveredLabels, "__meta_consul_"), {
    __meta_consul_address: "10.0.0.2", __meta_consul_dc: "test-dc", __meta_consul_health: "critical", __meta_consul_node: "node2",
    __meta_consul_service: "web", __meta_consul_service_address: "web-2.internal", __meta_consul_service_id: "web-2",
    __meta_consul_service_port: "8080", __meta_consul_tags: ",,",
  });
  assert.deepEqual(visible(second?.labels), { instance: "web-2.internal:8080", job: "consul-job", node: "node2" });

  assert.ok(consul.requests.some((r) => r.path === "/v1/health/service/web" && r.query === "stale=&wait=120000ms" && r.token === "fake-token"),
    JSON.stringify(consul.requests));
});

/** The labels whose names start with `prefix`. */
function pick(labels: Readonly<Record<string, string>> | undefined, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k.startsWith(prefix)));
}

/** The labels a scrape stores: those not starting with `__`. */
function visible(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !k.startsWith("__")));
}

function pickKnown(labels: Readonly<Record<string, string>> | undefined, known: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(known).map((k) => [k, labels?.[k] ?? "<missing>"]));
}
