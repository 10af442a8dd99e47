/**
 * The final body patched from pieces (final-body.ts) against the whole-body encoder, over randomized churn:
 * the same bytes after every change, equal ETags only for equal bytes, and only changed blocks rebuilt.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabelSet } from "../../model/labels.js";
import type { ActiveTarget, JobTargets } from "../../targets/types.js";
import { encodePieces } from "../http/byte-chunks.js";
import { FinalBodyPieces } from "./final-body.js";
import { finalGroups, sdGroupsPieces } from "./groups.js";

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Addresses that collide often (ties broken by labels), some non-ASCII and astral, hidden `__tmp` labels. */
function randomTarget(next: () => number): ActiveTarget {
  const hosts = ["a", "b", "é", "\u{1F600}", "\uE000", "z<&>"];
  const address = `${hosts[Math.floor(next() * hosts.length)]}${Math.floor(next() * 40)}:80`;
  const labels: Record<string, string> = { __address__: address, __metrics_path__: "/metrics", __scheme__: "http", instance: address, job: "j" };
  if (next() < 0.5) labels["team"] = `t${Math.floor(next() * 3)}`;
  if (next() < 0.2) labels["__tmp_hidden"] = String(Math.floor(next() * 2));
  if (next() < 0.2) labels["pad"] = "x".repeat(Math.floor(next() * 3000));
  const sorted: LabelSet = Object.fromEntries(Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : 1)));
  return { labels: sorted, discoveredLabels: {}, scrapeUrl: `http://${address}/metrics`, source: "s", index: 0 };
}

function jobOf(active: readonly ActiveTarget[]): JobTargets {
  return { jobName: "j", active, dropped: [], droppedCount: 0, failed: [], updatedAtMs: 0 };
}

test("http_sd final body from pieces: the same bytes as the whole-body encoder over randomized churn", () => {
  for (const seed of [1, 2, 3]) {
    const next = random(seed);
    const pieces = new FinalBodyPieces();
    let active: ActiveTarget[] = Array.from({ length: 400 }, () => randomTarget(next));
    const etagOf = new Map<string, string>();
    for (let step = 0; step < 60; step++) {
      const job = jobOf(active);
      const body = pieces.update(job);
      const whole = encodePieces(sdGroupsPieces(finalGroups(job)));
      const bytes = Buffer.concat(body.body.chunks);
      assert.equal(bytes.toString(), Buffer.concat(whole.chunks).toString(), `seed ${seed} step ${step}`);
      assert.equal(body.body.byteLength, whole.byteLength);
      const text = bytes.toString("base64");
      for (const [otherText, etag] of etagOf) assert.equal(etag === body.etag, otherText === text, "equal ETags only for equal bytes");
      etagOf.set(text, body.etag);
      assert.deepEqual(body.groups().map((g) => g.targets), finalGroups(job).map((g) => g.targets));
      // Churn: drop some, add some, replace some objects by equal copies, sometimes empty the job.
      const kind = next();
      if (kind < 0.05) active = [];
      else if (kind < 0.1) active = Array.from({ length: 300 }, () => randomTarget(next));
      else {
        active = active.filter(() => next() > 0.03).map((t) => (next() < 0.02 ? { ...t } : t));
        for (let i = Math.floor(next() * 10); i > 0; i--) active.splice(Math.floor(next() * (active.length + 1)), 0, randomTarget(next));
      }
    }
  }
});

test("http_sd final body from pieces: one target changed in a large job rebuilds one block", () => {
  const next = random(7);
  const pieces = new FinalBodyPieces();
  const active = Array.from({ length: 5000 }, () => randomTarget(next));
  const first = pieces.update(jobOf(active));
  const changed = [...active];
  changed[2500] = randomTarget(next);
  const second = pieces.update(jobOf(changed));
  const before = new Set(first.body.chunks);
  const rebuilt = second.body.chunks.filter((c) => !before.has(c));
  assert.ok(first.body.chunks.length > 20, `${first.body.chunks.length} chunks`);
  assert.ok(rebuilt.length >= 1 && rebuilt.length <= 3, `${rebuilt.length} blocks rebuilt`);
  assert.equal(pieces.update(jobOf(changed)).etag, second.etag, "the same job again: the same ETag");
});
