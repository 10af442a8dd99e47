/**
 * DNS discovery against a real dnsmasq, and against the reference promtool on the same server. Everything
 * runs inside a network namespace that has only loopback, with a private /etc/resolv.conf naming the test
 * server, so no lookup can reach the machine's resolver (shared/reference/prometheus-oracle.md).
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Netns } from "../../testing/netns.js";
import { assertPromtoolInstalled, PROMTOOL_PATH } from "../../testing/promtool.js";

const DNSMASQ = "/usr/sbin/dnsmasq";
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The tsx loader as a URL, so programs started in a temp folder still find it. */
const TSX_LOADER = import.meta.resolve("tsx");
const RESOLV = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n";

let dir: string;
let netns: Netns;
let dnsmasq: ChildProcess | undefined;

before(async () => {
  assertPromtoolInstalled();
  try {
    accessSync(DNSMASQ, constants.X_OK);
  } catch {
    throw new Error(`${DNSMASQ} is missing: install Debian's dnsmasq package (npm test does it via scripts/ensure-system-packages.sh)`);
  }
  dir = await mkdtemp(join(tmpdir(), "promsd-dnsmasq-"));
  netns = Netns.create(dir);
});

after(async () => {
  await stopDnsmasq();
  netns?.delete();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** dnsmasq's --dns-rr wants the record data as hex: a wire-format name for NS. */
function wireNameHex(name: string): string {
  const labels = name.split(".").filter((l) => l !== "");
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]).toString("hex");
}

const RECORDS_V1 = [
  "host-record=web.example.test,192.0.2.2",
  "host-record=web6.example.test,2001:db8::2",
  "srv-host=_mysql._tcp.db.example.test,db1.example.test,3306,0,0",
  "srv-host=_mysql._tcp.db.example.test,db2.example.test,3307,10,5",
  "mx-host=example.test,smtp1.example.test,0",
  "mx-host=example.test,smtp2.example.test,10",
  `dns-rr=zone.example.test,2,${wireNameHex("a.ns.example.test.")}`,
];
const RECORDS_V2 = [
  "host-record=web.example.test,192.0.2.3",
  "host-record=web6.example.test,2001:db8::2",
  "srv-host=_mysql._tcp.db.example.test,db1.example.test,3306,0,0",
  "srv-host=_mysql._tcp.db.example.test,db2.example.test,3307,10,5",
  "srv-host=_mysql._tcp.db.example.test,db3.example.test,3308,10,5",
];

async function startDnsmasq(records: readonly string[]): Promise<void> {
  await stopDnsmasq();
  const conf = join(dir, "records.conf");
  await writeFile(conf, `${records.join("\n")}\n`);
  const child = netns.spawn(DNSMASQ, [
    "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--local=/#/", "--listen-address=127.0.0.1",
    "--bind-interfaces", "--port=53", `--conf-file=${conf}`, "--log-facility=-", "--pid-file=", "--user=root", "--group=root",
  ]);
  dnsmasq = child;
  // dnsmasq binds its sockets before it logs "started"; wait for that line, with a deadline.
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`dnsmasq did not start within 10 s:\n${log}`)), 10_000);
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      if (/started, version/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dnsmasq exited with ${code}:\n${log}`));
    });
  });
}

async function stopDnsmasq(): Promise<void> {
  const child = dnsmasq;
  dnsmasq = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const JOBS: Record<string, string> = {
  srv: "names: [_mysql._tcp.db.example.test]",
  a: "{names: [web.example.test], type: A, port: 9100}",
  aaaa: "{names: [web6.example.test], type: AAAA, port: 9100}",
  mx: "{names: [example.test], type: mx, port: 25}",
  nxdomain: "{names: [missing.example.test], type: A, port: 80}",
  nodata: "{names: [web6.example.test, web.example.test], type: A, port: 80}",
  search: "{names: [web], type: A, port: 80}",
};

function configFor(jobs: Record<string, string>): string {
  return `scrape_configs:\n${Object.entries(jobs).map(([job, sd]) => `- job_name: ${job}\n  dns_sd_configs: [${sd}]\n`).join("")}`;
}

type Entry = Record<string, unknown>;
const sortEntries = (entries: Entry[]) => entries.map((e) => JSON.stringify(e)).sort();

async function runBoth(caseDir: string, job: string, resolv: string): Promise<{ promtool: Entry[]; promsd: Entry[] }> {
  const [promtool, promsd] = await Promise.all([
    netns.run(PROMTOOL_PATH, ["check", "service-discovery", "--timeout=2s", "prometheus.yml", job], { cwd: caseDir, resolvConf: resolv }),
    netns.run(process.execPath, ["--import", TSX_LOADER, join(REPO_ROOT, "src/cli/main.ts"), "sd", "--profile=v2.42", "--timeout=15s", "prometheus.yml", job], { cwd: caseDir, resolvConf: resolv }),
  ]);
  assert.equal(promtool.code, 0, `promtool failed for ${job}: ${promtool.stderr}`);
  assert.equal(promsd.code, 0, `promsd sd failed for ${job}: ${promsd.stderr}`);
  return { promtool: JSON.parse(promtool.stdout) as Entry[], promsd: JSON.parse(promsd.stdout) as Entry[] };
}

async function assertSameAsPromtool(step: string, jobs: readonly string[], resolv = RESOLV): Promise<Map<string, Entry[]>> {
  const caseDir = join(dir, step);
  await mkdir(caseDir, { recursive: true });
  await writeFile(join(caseDir, "prometheus.yml"), configFor(JOBS));
  const results = new Map<string, Entry[]>();
  await Promise.all(jobs.map(async (job) => {
    const { promtool, promsd } = await runBoth(caseDir, job, resolv);
    assert.deepEqual(sortEntries(promsd), sortEntries(promtool), `${step}/${job}: promsd differs from promtool`);
    results.set(job, promsd);
  }));
  return results;
}

const addresses = (entries: Entry[] | undefined) =>
  (entries ?? []).map((e) => (e.labels as Record<string, string>).__address__).sort();

test("dns/dnsmasq: every record type 2.42 knows matches promtool, before and after the records change", async () => {
  await startDnsmasq(RECORDS_V1);
  const v1 = await assertSameAsPromtool("v1", Object.keys(JOBS), `${RESOLV}search example.test\n`);
  assert.deepEqual(addresses(v1.get("srv")), ["db1.example.test:3306", "db2.example.test:3307"]);
  assert.deepEqual(addresses(v1.get("a")), ["192.0.2.2:9100"]);
  assert.deepEqual(addresses(v1.get("aaaa")), ["[2001:db8::2]:9100"]);
  assert.deepEqual(addresses(v1.get("mx")), ["smtp1.example.test:25", "smtp2.example.test:25"]);
  assert.deepEqual(addresses(v1.get("search")), ["192.0.2.2:80"]);
  assert.deepEqual(v1.get("nxdomain"), []);

  await startDnsmasq(RECORDS_V2);
  const v2 = await assertSameAsPromtool("v2", ["srv", "a", "mx"]);
  assert.deepEqual(addresses(v2.get("srv")), ["db1.example.test:3306", "db2.example.test:3307", "db3.example.test:3308"]);
  assert.deepEqual(addresses(v2.get("a")), ["192.0.2.3:9100"]);
  assert.deepEqual(v2.get("mx"), []);
});

test("dns/dnsmasq: NS records (3.x only) carry the ns label", async () => {
  await startDnsmasq(RECORDS_V1);
  const caseDir = join(dir, "ns");
  await mkdir(caseDir, { recursive: true });
  await writeFile(join(caseDir, "prometheus.yml"), configFor({ ns: "{names: [zone.example.test.], type: NS, port: 53}" }));
  const run = await netns.run(process.execPath, ["--import", TSX_LOADER, join(REPO_ROOT, "src/cli/main.ts"), "sd", "--timeout=15s", "prometheus.yml", "ns"], { cwd: caseDir, resolvConf: RESOLV });
  assert.equal(run.code, 0, run.stderr);
  const [entry] = JSON.parse(run.stdout) as Entry[];
  assert.deepEqual(entry?.discoveredLabels, {
    __address__: "a.ns.example.test:53",
    __always_scrape_classic_histograms__: "false", // v3 (3.13+) adds the three histogram labels
    __convert_classic_histograms_to_nhcb__: "false",
    __meta_dns_name: "zone.example.test.",
    __meta_dns_ns_record_target: "a.ns.example.test.",
    __metrics_path__: "/metrics",
    __scheme__: "http",
    __scrape_interval__: "1m",
    __scrape_native_histograms__: "false",
    __scrape_timeout__: "10s",
    job: "ns",
  });
});

test("dns/dnsmasq: a running discoverer follows changes, keeps its targets while the server is down, recovers", async () => {
  await startDnsmasq(RECORDS_V1);
  const watcher = netns.spawn(process.execPath, ["--import", TSX_LOADER, join(REPO_ROOT, "src/providers/dns/fixtures/watch-dns.ts"),
    JSON.stringify({ names: ["_mysql._tcp.db.example.test"], refresh_interval: "300ms" })], { resolvConf: RESOLV });
  const lines: { groups: { targets: { __address__: string }[] }[]; failures: number }[] = [];
  let pending = "";
  watcher.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) if (line) lines.push(JSON.parse(line) as (typeof lines)[number]);
  });
  try {
    const waitForLine = async (what: string, predicate: (l: (typeof lines)[number]) => boolean, from: number): Promise<number> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const index = lines.findIndex((l, i) => i >= from && predicate(l));
        if (index >= 0) return index;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(lines.slice(from))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const count = (l: (typeof lines)[number]) => l.groups[0]?.targets.length;
    let at = await waitForLine("two SRV targets", (l) => count(l) === 2, 0);
    await startDnsmasq(RECORDS_V2);
    at = await waitForLine("three SRV targets", (l) => count(l) === 3, at);
    await stopDnsmasq();
    at = await waitForLine("a failed lookup", (l) => l.failures > 0, at);
    // While the server is down every update is empty: nothing removes the last good targets.
    assert.ok(lines.slice(at).every((l) => l.groups.length === 0), "an outage must not emit groups");
    await startDnsmasq(RECORDS_V1);
    await waitForLine("recovery to two targets", (l) => count(l) === 2, at);
  } finally {
    watcher.kill("SIGTERM");
  }
});
