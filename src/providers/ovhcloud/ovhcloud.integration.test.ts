/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` both discover from the same fake OVHcloud API on 127.0.0.1 (`endpoint` is the
 * fake's URL), which checks every signature; each corpus case is one state of the fake.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { prometheusFixtureState, startFakeOvhApi, TEST_CREDENTIALS, type FakeServer, type OvhState } from "./fake-ovh-api.js";

type Entry = readonly [string, FakeServer | undefined];
const vps = (name: string, ips: unknown, extra: Record<string, unknown> = {}): Entry => [name, { details: { name, displayName: `d-${name}`, zone: "z", model: { datacenter: ["gra", "sbg 1"], vcore: 2 }, vcore: 4, ...extra }, ips }];
const dedicated = (name: string, ips: unknown, extra: Record<string, unknown> = {}): Entry => [name, { details: { name, serverId: 99, noIntervention: true, linkSpeed: 1000, ...extra }, ips }];

interface Case {
  readonly name: string;
  readonly state: () => OvhState;
  readonly clockSkewMs?: number;
  readonly status?: number;
}

const CORPUS: Case[] = [
  { name: "Prometheus's fixtures", state: prometheusFixtureState },
  { name: "API clock two hours ahead", state: prometheusFixtureState, clockSkewMs: 2 * 3600_000 },
  {
    name: "address choice: last IPv4 wins, IPv6 only, /32 prefixes, mapped and odd entries",
    state: () => ({
      vps: new Map<string, FakeServer | undefined>([
        vps("v4s", ["192.0.2.1", "192.0.2.2/32", "2001:db8::1", "2001:db8::2"]),
        vps("v6only", ["2001:0db8:0000:0000:0000:0000:0000:00ff", "2001:db8::/64"]),
        vps("v6prefix32", ["2001:db8::/32"]),
        vps("mapped", ["::ffff:10.0.0.1", "0.0.0.0"]),
        vps("bad ip", ["not-an-ip", "192.0.2.9"]),
        vps("only unspecified", ["0.0.0.0", "::"]),
        vps("name/with?odd*chars", ["198.51.100.7"]),
      ]),
      dedicated: new Map(),
    }),
  },
  {
    name: "Go JSON: case-insensitive keys, nulls, wrong types skip the server",
    state: () => ({
      vps: new Map<string, FakeServer | undefined>([
        // Only one spelling of each key: Go merges a struct written twice (model + MODEL), GoStruct keeps the last.
        ["upper", { details: { NAME: "upper", State: "running", MODEL: { Offer: "o", DATACENTER: null, VCore: 3 } }, ips: ["192.0.2.10"] }],
        vps("typed", ["192.0.2.11"], { vcore: "four" }),
        vps("nulls", ["192.0.2.12"], { zone: null, model: null, keymap: null }),
        ["missing", undefined],
      ]),
      dedicated: new Map(),
    }),
  },
  {
    name: "dedicated servers",
    state: () => ({
      vps: new Map(),
      dedicated: new Map([dedicated("ns1.ip-1-2-3.eu", ["203.0.113.5/32", "2001:db8:1::1"]), dedicated("ns2", ["2001:db8:2::/64", "203.0.113.6"], { state: "ok", serverId: 1234567890123 }), dedicated("broken", [])]),
    }),
  },
  { name: "500 on every call", state: prometheusFixtureState, status: 500 },
];

for (const service of ["vps", "dedicated_server"] as const) {
  test(`ovhcloud ${service} (oracle): promtool 2.42 and promsd sd print the same targets for every fake API state`, async (t) => {
    const limit = createLimiter(2);
    let compared = 0;
    await Promise.all(CORPUS.map((c) => limit(async () => {
      const api = await startFakeOvhApi(c.state());
      try {
        api.clockSkewMs = c.clockSkewMs ?? 0;
        if (c.status !== undefined) api.answerAlways({ status: c.status, body: { message: "internal" } });
        const dir = await tempDir(t);
        const block = [`endpoint: ${api.origin}`, `application_key: ${TEST_CREDENTIALS.applicationKey}`, `application_secret: ${TEST_CREDENTIALS.applicationSecret}`, `consumer_key: ${TEST_CREDENTIALS.consumerKey}`, `service: ${service}`].join("\n");
        await writeOneJobConfig(dir, "ovhcloud_sd_configs", block);
        const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
        compared += want.length;
        assert.deepEqual(api.refused.map((r) => r.reason), [], `${c.name}: every signed request was accepted`);
        assert.ok(api.requests.filter((r) => r.path === "/auth/time").length >= (c.status === undefined ? 2 : 0), `${c.name}: both programs asked for the API's time`);
      } finally {
        await api.close();
      }
    })));
    assert.ok(compared >= (service === "vps" ? 8 : 3), `only ${compared} targets compared`);
  });
}
