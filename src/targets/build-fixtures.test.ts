/**
 * Runs the target-building vectors of spec core.md 4.8 (fixtures/target-building.yaml) through one loop,
 * for both profiles, from prometheus.yml text to built targets.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import { parseConfigText } from "../config/prometheus-config.js";
import type { LabelSet } from "../model/labels.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { buildJobTargets, failureMessage } from "./build.js";
import type { ActiveTarget } from "./types.js";

type Record_ = Readonly<Record<string, unknown>>;

interface Vector {
  readonly name: string;
  readonly profile?: Profile | "both";
  readonly config?: string;
  readonly rules?: unknown;
  readonly job?: string;
  readonly groups?: readonly { source: string; targets: readonly string[]; labels?: LabelSet }[];
  readonly [key: string]: unknown;
}

// The fixture is our own file; its shape is documented at its top.
const vectors = parse(readFileSync(new URL("./fixtures/target-building.yaml", import.meta.url), "utf8")) as Vector[];

function pick(entry: Record_, key: string, profile: Profile): unknown {
  return entry[`${key}_${profile}`] ?? entry[key];
}

function publicLabels(labels: LabelSet): LabelSet {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
}

function configText(v: Vector): string {
  if (v.config !== undefined) return v.config;
  return `scrape_configs:\n- job_name: j\n  relabel_configs: ${JSON.stringify(v.rules ?? [])}\n`;
}

function groupsOf(v: Vector, sdGroups: readonly TargetGroup[]): readonly TargetGroup[] {
  if (v.groups === undefined) return sdGroups;
  return v.groups.map((g) => ({ source: g.source, labels: g.labels ?? {}, targets: g.targets.map((a) => ({ __address__: a })) }));
}

function checkActive(got: ActiveTarget, want: Record_, profile: Profile, at: string): void {
  const discovered = pick(want, "discovered", profile);
  if (discovered !== undefined) assert.deepEqual({ ...got.discoveredLabels }, discovered, `${at}: discovered`);
  const labels = pick(want, "labels", profile);
  if (labels !== undefined) assert.deepEqual(publicLabels(got.labels), labels, `${at}: labels`);
  const internal = pick(want, "internal", profile);
  if (internal !== undefined) assert.deepEqual({ ...got.labels }, internal, `${at}: internal labels`);
  const url = pick(want, "scrapeUrl", profile);
  if (url !== undefined) assert.equal(got.scrapeUrl, url, `${at}: scrapeUrl`);
}

for (const v of vectors) {
  for (const profile of ["v3", "v2.42"] as const) {
    const only = v.profile ?? "both";
    if (only !== "both" && only !== profile) continue;
    test(`buildJobTargets: vector ${v.name} (${profile})`, () => {
      const config = parseConfigText(configText(v), "prometheus.yml", { profile });
      const job = v.job === undefined ? config.scrapeConfigs[0] : config.scrapeConfigs.find((j) => j.jobName === v.job);
      assert.ok(job, "job not found in config");
      const sdGroups = job.sdConfigs.filter((s) => s.provider === "static").flatMap((s) => (s.config as { groups: readonly TargetGroup[] }).groups);
      const built = buildJobTargets(job, groupsOf(v, sdGroups), profile);
      const expect = (v[`expect_${profile}`] ?? v["expect"]) as Record_;
      const active = expect["active"] as Record_[] | undefined;
      if (active !== undefined) {
        assert.equal(built.active.length, active.length, `active count: ${JSON.stringify(built.active.map((a) => a.labels))}`);
        active.forEach((want, i) => checkActive(built.active[i] as ActiveTarget, want, profile, `active[${i}]`));
      }
      const dropped = expect["dropped"];
      if (dropped !== undefined) assert.deepEqual(built.dropped.map((d) => ({ ...d.discoveredLabels })), dropped);
      const droppedCount = expect["droppedCount"];
      if (droppedCount !== undefined) assert.equal(built.droppedCount, droppedCount);
      const failed = expect["failed"];
      if (failed !== undefined) assert.deepEqual(built.failed.map(failureMessage), failed);
    });
  }
}
