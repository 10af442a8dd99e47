import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfigText } from "../../config/prometheus-config.js";
import { ConfigError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Profile } from "../../profile.js";
import type { StaticConfig } from "./config.js";
import { createStaticDiscoverer } from "./discoverer.js";
import { staticProvider } from "./provider.js";

function jobConfig(body: string, profile: Profile = "v3"): StaticConfig {
  const config = parseConfigText(`scrape_configs:\n  - job_name: j\n${body}`, "/p/prometheus.yml", { profile });
  const sd = config.scrapeConfigs[0]?.sdConfigs.find((c) => c.provider === "static");
  assert.ok(sd);
  return sd.config as StaticConfig;
}

function problemOf(body: string, profile: Profile): string {
  try {
    jobConfig(body, profile);
  } catch (error) {
    if (error instanceof ConfigError) return error.problem;
    throw error;
  }
  return "accepted";
}

interface ExampleCase {
  readonly name: string;
  readonly body: string;
  readonly want: Partial<Record<Profile, readonly TargetGroup[] | string>>;
}

// The worked examples of spec static.md 3.
const examples: ExampleCase[] = [
  {
    name: "S1 two groups",
    body: "    static_configs:\n      - targets: ['localhost:9090', 'example.org:443']\n        labels:\n          foo: bar\n      - targets: ['my.domain']\n",
    want: {
      v3: [
        { source: "0", labels: { foo: "bar" }, targets: [{ __address__: "localhost:9090" }, { __address__: "example.org:443" }] },
        { source: "1", labels: {}, targets: [{ __address__: "my.domain" }] },
      ],
    },
  },
  {
    name: "S2 numbering continues across entries and the empty group is kept",
    body: "    static_configs:\n      - targets: []\n        labels: {team: a}\n      - targets: ['[::1]:9100', '9100']\n        labels: {team: b, \"1st\": x}\n",
    want: {
      v3: [
        { source: "0", labels: { team: "a" }, targets: [] },
        { source: "1", labels: { "1st": "x", team: "b" }, targets: [{ __address__: "[::1]:9100" }, { __address__: "9100" }] },
      ],
      "v2.42": '"1st" is not a valid label name',
    },
  },
  {
    name: "S3 a URL target fails without relabel rules",
    body: "    static_configs:\n      - targets: ['http://example.com/health']\n",
    want: { v3: '"http://example.com/health" is not a valid hostname', "v2.42": '"http://example.com/health" is not a valid hostname' },
  },
  {
    name: "S3 a URL target is kept as written with a relabel rule",
    body: "    relabel_configs: [{target_label: x, replacement: y}]\n    static_configs:\n      - targets: ['http://example.com/health']\n",
    want: { v3: [{ source: "0", labels: {}, targets: [{ __address__: "http://example.com/health" }] }] },
  },
  {
    name: "scalars kept as written, null label values dropped, duplicates kept",
    body: "    static_configs:\n      - targets: [9090, ~, 'a:1', 'a:1']\n        labels: {port: 0080, flag: yes, env:}\n",
    want: { "v2.42": [{ source: "0", labels: { flag: "yes", port: "0080" }, targets: [{ __address__: "9090" }, { __address__: "" }, { __address__: "a:1" }, { __address__: "a:1" }] }] },
  },
  {
    name: "targets must be a list",
    body: "    static_configs:\n      - targets: a\n",
    want: { v3: "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `a` into []string" },
  },
  {
    name: "label values must be scalars",
    body: "    static_configs:\n      - labels: {a: [b]}\n",
    want: { "v2.42": "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into model.LabelValue" },
  },
];

for (const c of examples) {
  for (const [profile, want] of Object.entries(c.want) as [Profile, readonly TargetGroup[] | string][]) {
    test(`static: ${c.name} (${profile})`, () => {
      if (typeof want === "string") assert.equal(problemOf(c.body, profile), want);
      else assert.deepEqual(jobConfig(c.body, profile).groups, want);
    });
  }
}

test("static: the discoverer yields its groups once, then ends when the signal aborts", async () => {
  const groups: TargetGroup[] = [{ source: "0", labels: { a: "b" }, targets: [{ __address__: "x:1" }] }];
  const stop = new AbortController();
  const iterator = createStaticDiscoverer({ groups }).discover(stop.signal)[Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { done: false, value: groups });
  const second = iterator.next();
  let settled = false;
  void second.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, "no second update before abort");
  stop.abort();
  assert.deepEqual(await second, { done: true, value: undefined });
});

test("static: an already aborted signal yields nothing", async () => {
  const stop = new AbortController();
  stop.abort();
  const seen: unknown[] = [];
  for await (const update of createStaticDiscoverer({ groups: [] }).discover(stop.signal)) seen.push(update);
  assert.deepEqual(seen, []);
});

test("static: the provider definition owns static_configs and parses one entry as group 0", () => {
  assert.equal(staticProvider.name, "static");
  assert.equal(staticProvider.configKey, "static_configs");
  const config = parseConfigText("scrape_configs: [{job_name: j, static_configs: [{targets: ['a:1']}, {targets: ['b:1']}]}]\n", "/p.yml");
  assert.deepEqual(config.scrapeConfigs[0]?.sdConfigs.map((s) => (s.config as StaticConfig).groups.map((g) => g.source)), [["0", "1"]]);
});
