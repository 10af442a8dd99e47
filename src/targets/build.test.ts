import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabelSet } from "../model/labels.js";
import type { Profile } from "../profile.js";
import { buildJobTargets, buildTarget, discoveredLabels, failureMessage, sameDiscoveredLabels } from "./build.js";
import { testJob, testRules } from "./fake-scrape-config.js";
import type { BuiltTarget } from "./types.js";

const where = { source: "g", index: 0 };

function build(target: LabelSet, groupLabels: LabelSet, profile: Profile, overrides: Parameters<typeof testJob>[0] = {}): BuiltTarget {
  return buildTarget(target, groupLabels, testJob(overrides), profile, where);
}

function activeLabels(built: BuiltTarget): LabelSet {
  assert.equal(built.kind, "active", built.kind === "failed" ? built.target.reason : built.kind);
  return built.kind === "active" ? built.target.labels : {};
}

function failure(built: BuiltTarget): string {
  assert.equal(built.kind, "failed");
  return built.kind === "failed" ? built.target.reason : "";
}

// core.md 4.2's table: 2.42 adds default ports; v3 leaves every address unchanged.
const defaultPorts: readonly { scheme: string; address: string; want: string }[] = [
  { scheme: "http", address: "host-b", want: "host-b:80" },
  { scheme: "https", address: "secure.example.com", want: "secure.example.com:443" },
  { scheme: "https", address: "[::1]", want: "[::1]:443" },
  { scheme: "https", address: "::1", want: "::1" },
  { scheme: "https", address: "h:", want: "h:" },
  { scheme: "http", address: "10.0.0.1:9100", want: "10.0.0.1:9100" },
  { scheme: "ftp", address: "withport:21", want: "withport:21" },
];

for (const c of defaultPorts) {
  test(`buildTarget: 2.42 default port for ${c.scheme} ${c.address}`, () => {
    const labels = activeLabels(build({ __address__: c.address }, { __scheme__: c.scheme }, "v2.42"));
    assert.equal(labels["__address__"], c.want);
    assert.equal(labels["instance"], c.want);
  });
  test(`buildTarget: v3 keeps ${c.scheme} ${c.address} as is`, () => {
    const labels = activeLabels(build({ __address__: c.address }, { __scheme__: c.scheme }, "v3"));
    assert.equal(labels["__address__"], c.address);
    assert.equal(labels["instance"], c.address);
  });
}

test("buildTarget: 2.42 invalid scheme quotes the job's scheme, not the target's", () => {
  assert.equal(failure(build({ __address__: "noport" }, { __scheme__: "ftp" }, "v2.42")), 'invalid scheme: "http"');
  assert.equal(failure(build({ __address__: "noport" }, { __scheme__: "ftp" }, "v2.42", { scheme: "https" })), 'invalid scheme: "https"');
  assert.equal(build({ __address__: "noport" }, { __scheme__: "ftp" }, "v3").kind, "active");
});

// core.md 4.3, driven through group labels so no relabel rule is needed.
const failures: readonly { name: string; target: LabelSet; group: LabelSet; profile?: Profile; want: string }[] = [
  { name: "no address", target: { __address__: "" }, group: {}, want: "no address" },
  { name: "address with slash", target: { __address__: "http://x/y" }, group: {}, want: '"http://x/y" is not a valid hostname' },
  { name: "bad interval", target: { __address__: "a:1" }, group: { __scrape_interval__: "abc" }, want: 'error parsing scrape interval: not a valid duration string: "abc"' },
  { name: "fractional interval v3", target: { __address__: "a:1" }, group: { __scrape_interval__: "1.5m" }, profile: "v3", want: 'error parsing scrape interval: unknown unit "." in duration "1.5m"' },
  { name: "fractional interval 2.42", target: { __address__: "a:1" }, group: { __scrape_interval__: "1.5m" }, profile: "v2.42", want: 'error parsing scrape interval: not a valid duration string: "1.5m"' },
  { name: "zero interval", target: { __address__: "a:1" }, group: { __scrape_interval__: "0s" }, want: "scrape interval cannot be 0" },
  { name: "bad timeout", target: { __address__: "a:1" }, group: { __scrape_timeout__: "x" }, want: 'error parsing scrape timeout: not a valid duration string: "x"' },
  { name: "zero timeout", target: { __address__: "a:1" }, group: { __scrape_timeout__: "0" }, want: "scrape timeout cannot be 0" },
  { name: "timeout above interval", target: { __address__: "a:1" }, group: { __scrape_interval__: "1h", __scrape_timeout__: "2h" }, want: 'scrape timeout cannot be greater than scrape interval ("2h" > "1h")' },
  { name: "invalid UTF-8 value", target: { __address__: "a:1", bad: "x\ud800" }, group: {}, want: 'invalid label value for "bad": "x\\ufffd"' },
  { name: "histogram boolean (v3)", target: { __address__: "a:1" }, group: { __scrape_native_histograms__: "yes" }, profile: "v3", want: 'error parsing scrape native histograms: strconv.ParseBool: parsing "yes": invalid syntax' },
  { name: "nhcb boolean checked first (v3)", target: { __address__: "a:1" }, group: { __scrape_native_histograms__: "x", __convert_classic_histograms_to_nhcb__: "y" }, profile: "v3", want: 'error parsing convert classic histograms to nhcb: strconv.ParseBool: parsing "y": invalid syntax' },
];

for (const c of failures) {
  for (const profile of ["v3", "v2.42"] as const) {
    if (c.profile !== undefined && c.profile !== profile) continue;
    test(`buildTarget: fails with "${c.name}" (${profile})`, () => assert.equal(failure(build(c.target, c.group, profile)), c.want));
  }
}

test("buildTarget: histogram labels are plain labels in 2.42 (no check)", () => {
  assert.equal(build({ __address__: "a:1" }, { __scrape_native_histograms__: "yes" }, "v2.42").kind, "active");
  assert.equal(build({ __address__: "a:1" }, { __scrape_native_histograms__: "TRUE" }, "v3").kind, "active");
});

test("discoveredLabels: an empty target label hides the group label, then a default fills it", () => {
  const job = testJob();
  assert.deepEqual(discoveredLabels({ __address__: "a:1", env: "", job: "" }, { env: "prod", job: "g" }, job, "v2.42"), {
    __address__: "a:1", __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "1m", __scrape_timeout__: "10s", job: "j",
  });
});

test("discoveredLabels: v3 defaults come from the job's histogram booleans and keep key order", () => {
  const job = testJob({ scrapeNativeHistograms: true, params: new Map([["b", ["1"]], ["a", ["2", "3"]], ["none", []]]) });
  const got = discoveredLabels({ z: "1", __address__: "a:1" }, { m: "x", "0": "n" }, job, "v3");
  assert.deepEqual(Object.entries(got), Object.entries({
    "0": "n", __address__: "a:1", __always_scrape_classic_histograms__: "false", __convert_classic_histograms_to_nhcb__: "false",
    __metrics_path__: "/metrics", __param_a: "2", __param_b: "1", __scheme__: "http", __scrape_interval__: "1m",
    __scrape_native_histograms__: "true", __scrape_timeout__: "10s", job: "j", m: "x", z: "1",
  }));
});

test("discoveredLabels: names with astral characters merge in UTF-8 byte order, not UTF-16 order", () => {
  // "😀" (UTF-16 D83D DE00) sorts before "\uffff" natively, after it in UTF-8 (F0… > EF…).
  const got = discoveredLabels({ __address__: "a:1", "\uffff": "t" }, { "😀": "g", "\ue000": "e" }, testJob(), "v3");
  assert.deepEqual(Object.keys(got).slice(-3), ["\ue000", "\uffff", "😀"]);
});

test("discoveredLabels: 2.42 overwrites a discovered __param_, v3 keeps it; __proto__ is an ordinary name", () => {
  const job = testJob({ params: new Map([["m", ["cfg"]]]) });
  assert.equal(discoveredLabels({ __address__: "a:1", __param_m: "disc" }, {}, job, "v2.42")["__param_m"], "cfg");
  assert.equal(discoveredLabels({ __address__: "a:1", __param_m: "disc" }, {}, job, "v3")["__param_m"], "disc");
  const proto = discoveredLabels({ __address__: "a:1" }, { __proto__x: "1" }, job, "v3");
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
});

test("buildTarget: dropped targets carry discovered labels and the dropping rule", () => {
  const job = testJob({ relabelConfigs: testRules([{ target_label: "x", replacement: "1" }, { action: "drop", source_labels: ["x"], regex: "1" }]) });
  const built = buildTarget({ __address__: "a:1" }, {}, job, "v3", where);
  assert.equal(built.kind, "dropped");
  if (built.kind === "dropped") {
    assert.equal(built.target.droppedByRule, 1);
    assert.equal(built.target.discoveredLabels["x"], undefined);
    assert.equal(built.target.discoveredLabels["__address__"], "a:1");
  }
});

test("buildTarget: failed v3 targets keep their discovered labels; message prefixed for logs", () => {
  const built = build({ __address__: "" }, { env: "e" }, "v3");
  assert.equal(built.kind, "failed");
  if (built.kind === "failed") {
    assert.equal(built.target.discoveredLabels["env"], "e");
    assert.equal(failureMessage(built.target), "instance 0 in group g: no address");
  }
});

test("buildTarget: discovered labels are merged on each read, not kept on the target", () => {
  const groupLabels = { env: "prod", __meta_x: "y" };
  const built = buildTarget({ __address__: "a:1" }, groupLabels, testJob(), "v3", where);
  const first = built.target.discoveredLabels;
  assert.notEqual(built.target.discoveredLabels, first, "a new object per read");
  assert.deepEqual({ ...first }, discoveredLabels({ __address__: "a:1" }, groupLabels, testJob(), "v3"));
  assert.equal(Object.keys(built.target).includes("discoveredLabels"), false);
});

test("sameDiscoveredLabels: equal parts are equal; unequal parts compare the merged labels", () => {
  const job = testJob();
  const at = (target: LabelSet, group: LabelSet): BuiltTarget => buildTarget(target, group, job, "v3", where);
  const a = at({ __address__: "a:1" }, { env: "prod" });
  assert.ok(sameDiscoveredLabels(a.target, at({ __address__: "a:1" }, { env: "prod" }).target), "equal copies of the parts");
  assert.ok(!sameDiscoveredLabels(a.target, at({ __address__: "a:1", env: "" }, { env: "prod", e: "" }).target), "an empty target label hides the group's");
  assert.ok(sameDiscoveredLabels(at({ __address__: "a:1", x: "" }, {}).target, at({ __address__: "a:1" }, {}).target), "different parts, same labels");
  assert.ok(!sameDiscoveredLabels(a.target, at({ __address__: "a:1" }, { env: "dev" }).target));
  assert.ok(!sameDiscoveredLabels(a.target, buildTarget({ __address__: "a:1" }, { env: "prod" }, testJob({ jobName: "k" }), "v3", where).target));
  assert.ok(sameDiscoveredLabels(a.target, { discoveredLabels: { ...a.target.discoveredLabels } }), "a plain object compares by labels");
});

test("buildJobTargets: dedup keeps the first position, last duplicate's discovered labels win", () => {
  const groups = [
    { source: "0", labels: {}, targets: [{ __address__: "dup:1" }, { __address__: "dup:1" }] },
    { source: "1", labels: { __meta_x: "y" }, targets: [{ __address__: "dup:1" }] },
    { source: "2", labels: { other: "z" }, targets: [{ __address__: "dup:1" }] },
  ];
  const built = buildJobTargets(testJob({ jobName: "dedup" }), groups, "v2.42");
  assert.equal(built.active.length, 2);
  assert.equal(built.active[0]?.discoveredLabels["__meta_x"], "y");
  assert.equal(built.active[0]?.source, "1");
  assert.equal(built.active[1]?.labels["other"], "z");
});

test("buildJobTargets: targets differing only in a __tmp_ label are two targets", () => {
  const groups = [
    { source: "0", labels: { __tmp_a: "1" }, targets: [{ __address__: "a:1" }] },
    { source: "1", labels: { __tmp_a: "2" }, targets: [{ __address__: "a:1" }] },
  ];
  assert.equal(buildJobTargets(testJob(), groups, "v3").active.length, 2);
});

test("buildJobTargets: 100,000 targets build in one pass", () => {
  const targets = Array.from({ length: 100_000 }, (_, i) => ({ __address__: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100` }));
  const job = testJob({ relabelConfigs: testRules([{ source_labels: ["__address__"], regex: "(.*):9100", target_label: "host" }]) });
  const built = buildJobTargets(job, [{ source: "0", labels: { env: "prod", __meta_a: "b" }, targets }], "v3");
  assert.equal(built.active.length, 100_000);
  assert.equal(built.active[5]?.labels["host"], "10.0.0.5");
});
