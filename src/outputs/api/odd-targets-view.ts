/**
 * A deterministic TargetsView for byte-level tests of the target APIs: several jobs with thousands of active,
 * dropped and failed targets whose label names and values exercise every escaping rule of core.md 6.6
 * (HTML characters, U+2028, quotes, control characters, lone surrogates, astral and private-use characters,
 * integer-like names), loopback scrape URLs (globalUrl rewriting) and unsplittable hosts (lastError).
 */
import type { LabelSet } from "../../model/labels.js";
import type { ActiveTarget, DroppedTarget, FailedTarget, JobTargets, TargetsView } from "../../targets/types.js";

const ODD_NAMES = ["0", "10", "2", "a", "b_c", "ü", "\u{1F600}", "\uE000", "\uFFFD", "x<y>", "q&a", "__tmp_z", "__param_module"];
const ODD_VALUES = ["", "plain", "<a&b>", "l\u2028s\u2029", 'q"\\\n\t\u0001', "lone\ud800", "\u{1F600}\uE000", "€ ü", "http://h/?a=1&b=2"];
const HOSTS = ["10.0.0.1:9100", "127.0.0.1:9800", "localhost:9100", "[::1]:9100", "a:b:c", "localhost", "node-7.example:443"];

/** mulberry32: a tiny seeded PRNG, so every run builds the same targets. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function oddLabels(random: () => number, job: string, address: string): Record<string, string> {
  const labels: Record<string, string> = { __address__: address, __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "15s", __scrape_timeout__: "10s", job };
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) labels[pick(random, ODD_NAMES)] = pick(random, ODD_VALUES);
  return labels;
}

function oddJob(random: () => number, jobName: string, size: number): JobTargets {
  const active: ActiveTarget[] = [];
  const dropped: DroppedTarget[] = [];
  const failed: FailedTarget[] = [];
  for (let i = 0; i < size; i++) {
    const address = i % 5 === 0 ? pick(random, HOSTS) : `10.${i >> 8}.${i & 255}.${Math.floor(random() * 9)}:9100`;
    const discoveredLabels = oddLabels(random, jobName, address);
    const source = `${jobName}/${i % 17}`;
    const kind = random();
    if (kind < 0.15) {
      dropped.push({ discoveredLabels, source, index: i, droppedByRule: i % 3 });
    } else if (kind < 0.2) {
      failed.push({ discoveredLabels, source, index: i, reason: `"${address}<&>" is not a valid hostname` });
    } else {
      const labels: LabelSet = { ...discoveredLabels, instance: `${address}${pick(random, ODD_VALUES)}` };
      active.push({ discoveredLabels, labels, scrapeUrl: `http://${address}/metrics?x=${pick(random, ODD_VALUES)}`, source, index: i });
    }
  }
  return { jobName, active, dropped, droppedCount: dropped.length + 3, failed, updatedAtMs: 1_764_250_000_000 };
}

/**
 * Jobs "zeta", "alpha" and "a<b>" with `size` targets each (about 80% active, 15% dropped, 5% failed), and
 * "unbuilt", configured but not built yet.
 */
export function oddTargetsView(size: number, seed = 42): TargetsView {
  const random = randomSource(seed);
  const names = ["zeta", "alpha", "unbuilt", "a<b>"];
  const jobs = new Map<string, JobTargets>();
  for (const name of names) if (name !== "unbuilt") jobs.set(name, oddJob(random, name, size));
  return {
    jobNames: () => names,
    job: (name) => jobs.get(name),
    delivery: (name) => ({ isComplete: jobs.has(name), waitingFor: jobs.has(name) ? [] : ["consul/0"] }),
    subscribe: () => {},
  };
}
