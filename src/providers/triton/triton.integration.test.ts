/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` both discover from the same fake triton-cmon on 127.0.0.1 (`endpoint` +
 * `port`), over HTTPS that requires the test CA's client certificate (`tls_config` cert_file/key_file/ca_file).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { generateTestCerts } from "../../http/test-support.js";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { prometheusFixtureState, startFakeTriton, type TritonState } from "./fake-triton.js";

interface Case {
  readonly name: string;
  /** Extra YAML lines of the block. */
  readonly block: string;
  readonly state?: TritonState;
  readonly minTargets: number;
}

const container = (uuid: string, extra: Record<string, unknown> = {}) => ({ vm_uuid: uuid, vm_alias: `a-${uuid}`, vm_brand: "lx", vm_image_uuid: "img", server_uuid: "srv", ...extra });

const CORPUS: Case[] = [
  { name: "Prometheus's containers answer", block: "", minTargets: 2 },
  { name: "groups filter and version 2", block: "groups: [foo, 'b r']\nversion: 2", minTargets: 2 },
  { name: "compute nodes", block: "role: cn", minTargets: 2 },
  {
    name: "containers: empty, single and many groups, case-insensitive keys, nulls",
    block: "dns_suffix: cmon.example",
    state: {
      discover: { containers: [container("u1", { groups: [] }), container("u2", { groups: ["only"] }), container("u3", { groups: ["a", "b", "c"] }), { VM_UUID: "u4", Vm_Alias: "upper", groups: null, server_uuid: null }, container("")] },
      gzDiscover: {},
    },
    minTargets: 5,
  },
  { name: "compute nodes: missing host names, unknown fields", block: "role: cn", state: { discover: {}, gzDiscover: { cns: [{ server_uuid: "s1" }, { server_uuid: "s2", server_hostname: "h2", extra: [1, 2] }] } }, minTargets: 2 },
  { name: "no containers", block: "", state: { discover: { containers: [] }, gzDiscover: {} }, minTargets: 0 },
  { name: "a wrong type fails the refresh", block: "", state: { discover: { containers: [{ vm_uuid: 7 }] }, gzDiscover: {} }, minTargets: 0 },
  { name: "not JSON", block: "", state: { discover: "<html>", gzDiscover: {} }, minTargets: 0 },
];

test("triton (oracle): promtool 2.42 and promsd sd print the same targets for every fake cmon state", async (t) => {
  const dir = await tempDir(t);
  const certs = generateTestCerts(dir);
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const fake = await startFakeTriton(certs, c.state ?? prometheusFixtureState());
    try {
      const caseDir = await tempDir(t);
      const lines = ["account: testAccount", ...(c.block.includes("dns_suffix") ? [] : ["dns_suffix: triton.example.com"]), fake.clientYaml, c.block].filter((l) => l !== "");
      await writeOneJobConfig(caseDir, "triton_sd_configs", lines.join("\n"));
      const want = assertSameSdEntries(await runPromtoolAndPromsd(caseDir, { timeoutMs: 2000 }), c.name);
      assert.ok(want.length >= c.minTargets, `${c.name}: ${want.length} targets`);
      compared += want.length;
      assert.ok(fake.requests.length >= 2, `${c.name}: both programs asked`);
    } finally {
      await fake.close();
    }
  })));
  assert.ok(compared >= 13, `only ${compared} targets compared`);
});
