/**
 * Test harness for DiscoveryManager: a manager wired to fake mechanisms, a fresh registry, a recording logger
 * and (optionally) a fake clock, plus readers that turn snapshots and metrics into comparable values.
 */
import { Registry } from "prom-client";
import type { Logger } from "../logging.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import type { Clock } from "./throttle.js";
import { DiscoveryManager, type ManagerJob } from "./manager.js";
import { type FakeConfig, FakeMechanism } from "./fake-provider.js";

export interface LogRecord {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export function recordingLogger(records: LogRecord[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: LogRecord["level"]) => (fields: Record<string, unknown>, message: string) =>
    void records.push({ level, message, fields: { ...bindings, ...fields } });
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

/** A snapshot as `job → ["source: addr,addr", ...]` (sorted), so order inside a job does not matter. */
export type SnapshotSummary = Record<string, string[]>;

export function summarise(snapshot: ReadonlyMap<string, readonly TargetGroup[]>): SnapshotSummary {
  const out: SnapshotSummary = {};
  for (const [job, groups] of snapshot) {
    out[job] = groups.map((g) => `${g.source}: ${g.targets.map((t) => t["__address__"] ?? "").join(",")}`).sort();
  }
  return out;
}

export interface HarnessOptions {
  readonly profile?: Profile;
  readonly updateIntervalMs?: number;
  readonly clock?: Clock;
  readonly initialTimeoutMs?: number;
  readonly mechanisms?: readonly FakeMechanism[];
}

export interface Harness {
  readonly manager: DiscoveryManager;
  /** The first mechanism, named "file". */
  readonly file: FakeMechanism;
  readonly registry: Registry;
  readonly logs: LogRecord[];
  /** Every snapshot delivered to the harness's subscriber, summarised. */
  readonly snapshots: SnapshotSummary[];
  /** The last delivered snapshot (fails the test when none was delivered). */
  last(): SnapshotSummary;
  /** Jobs with `file` SD configs, one per entry: `{ a: [["/t/x.json"]] }`. */
  apply(jobs: Record<string, readonly FakeConfig[]>): void;
  /** Value of one series, or undefined when it does not exist. */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
}

export function startHarness(options: HarnessOptions = {}): Harness {
  const file = options.mechanisms?.[0] ?? new FakeMechanism("file");
  const mechanisms = options.mechanisms ?? [file];
  const registry = new Registry();
  const logs: LogRecord[] = [];
  const snapshots: SnapshotSummary[] = [];
  const manager = new DiscoveryManager({
    providers: mechanisms.map((m) => m.definition),
    logger: recordingLogger(logs),
    registry,
    updateIntervalMs: options.updateIntervalMs ?? 0,
    profile: options.profile ?? "v3",
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.initialTimeoutMs === undefined ? {} : { initialTimeoutMs: options.initialTimeoutMs }),
  });
  manager.subscribe((snapshot) => snapshots.push(summarise(snapshot)), new AbortController().signal);
  return {
    manager,
    file,
    registry,
    logs,
    snapshots,
    last() {
      const snapshot = snapshots.at(-1);
      if (snapshot === undefined) throw new Error("no snapshot was delivered");
      return snapshot;
    },
    apply(jobs) {
      const list: ManagerJob[] = Object.entries(jobs).map(([jobName, configs]) => ({ jobName, sdConfigs: configs.map((c) => file.sd(c)) }));
      manager.applyConfig(list);
    },
    async metric(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (metric === undefined) return undefined;
      const wanted = { name: "scrape", ...labels };
      const values = (await metric.get()).values;
      const found = values.find((v) => {
        const keys = Object.keys(v.labels);
        return keys.length === Object.keys(wanted).length && Object.entries(wanted).every(([k, x]) => v.labels[k] === x);
      });
      return found?.value;
    },
  };
}

/** Lets every queued microtask and pending I/O callback run (discoverer → pool → store → throttle). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
