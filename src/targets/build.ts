/**
 * Target building (spec core.md 4): merge a target with its group's labels, add the job's defaults, relabel,
 * then check and finish the label set. Pure, except that `buildJobTargets` stamps the rebuild time.
 *
 * Speed matters here (100,000 targets per rebuild): per-job defaults are prepared once and cached on the
 * ScrapeConfig object, group label names are sorted once per group, and a target's discovered labels come
 * from a three-way merge of already sorted lists instead of a sort per target.
 */
import { DurationError, formatDuration, parseDuration } from "../config/duration.js";
import type { ScrapeConfig } from "../config/types.js";
import { goQuote } from "../model/go-quote.js";
import {
  ADDRESS_LABEL, compareUtf8, INSTANCE_LABEL, JOB_LABEL, META_LABEL_PREFIX, METRICS_PATH_LABEL, PARAM_LABEL_PREFIX,
  SCHEME_LABEL, SCRAPE_INTERVAL_LABEL, SCRAPE_TIMEOUT_LABEL, isPlainName, labelSetsEqual, setOwnLabel, sortLabelNames, type LabelSet,
} from "../model/labels.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { relabelTrace } from "../relabel/relabel.js";
import { scrapeUrl } from "./scrape-url.js";
import { splitHostPort } from "./split-host-port.js";
import { ActiveTargetSet } from "./target-identity.js";
import type { ActiveTarget, BuiltTarget, DroppedTarget, FailedTarget, JobTargets } from "./types.js";

export const CONVERT_CLASSIC_HISTOGRAMS_TO_NHCB_LABEL = "__convert_classic_histograms_to_nhcb__";
export const ALWAYS_SCRAPE_CLASSIC_HISTOGRAMS_LABEL = "__always_scrape_classic_histograms__";
export const SCRAPE_NATIVE_HISTOGRAMS_LABEL = "__scrape_native_histograms__";

/** The three 3.13+ histogram labels with the names Prometheus uses in their parse errors (core.md 4.1 step 9). */
const HISTOGRAM_LABELS: readonly (readonly [string, string])[] = [
  [CONVERT_CLASSIC_HISTOGRAMS_TO_NHCB_LABEL, "convert classic histograms to nhcb"],
  [ALWAYS_SCRAPE_CLASSIC_HISTOGRAMS_LABEL, "always scrape classic histograms"],
  [SCRAPE_NATIVE_HISTOGRAMS_LABEL, "scrape native histograms"],
];

const GO_BOOLS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

/** Step-2 defaults of one job, sorted by name; `overrides` marks 2.42's `__param_*`, which always win. */
interface JobDefaults {
  readonly names: readonly string[];
  readonly values: readonly string[];
  readonly overrides: readonly boolean[];
  /** whether every name is free of surrogates, so that native string order is byte order */
  readonly isPlain: boolean;
}

const defaultsCache = new WeakMap<ScrapeConfig, Map<Profile, JobDefaults>>();
/** Sorted label names and whether they are all free of surrogates. */
interface SortedNames {
  readonly names: readonly string[];
  readonly isPlain: boolean;
}
const sortedNamesCache = new WeakMap<LabelSet, SortedNames>();

function jobDefaults(job: ScrapeConfig, profile: Profile): JobDefaults {
  let byProfile = defaultsCache.get(job);
  const cached = byProfile?.get(profile);
  if (cached !== undefined) return cached;
  const entries: [string, string, boolean][] = [
    [JOB_LABEL, job.jobName, false],
    [SCRAPE_INTERVAL_LABEL, formatDuration(job.scrapeIntervalMs), false],
    [SCRAPE_TIMEOUT_LABEL, formatDuration(job.scrapeTimeoutMs), false],
    [METRICS_PATH_LABEL, job.metricsPath, false],
    [SCHEME_LABEL, job.scheme, false],
  ];
  if (profile === "v3") {
    entries.push(
      [CONVERT_CLASSIC_HISTOGRAMS_TO_NHCB_LABEL, String(job.convertClassicHistogramsToNhcb), false],
      [ALWAYS_SCRAPE_CLASSIC_HISTOGRAMS_LABEL, String(job.alwaysScrapeClassicHistograms), false],
      [SCRAPE_NATIVE_HISTOGRAMS_LABEL, String(job.scrapeNativeHistograms), false],
    );
  }
  for (const [key, values] of job.params) {
    const first = values[0];
    // 2.42 overwrites a discovered `__param_K` (and an empty first value deletes it); v3 only fills gaps.
    if (first !== undefined) entries.push([PARAM_LABEL_PREFIX + key, first, profile === "v2.42"]);
  }
  entries.sort((a, b) => compareUtf8(a[0], b[0]));
  const names = entries.map((e) => e[0]);
  const defaults: JobDefaults = { names, values: entries.map((e) => e[1]), overrides: entries.map((e) => e[2]), isPlain: names.every(isPlainName) };
  if (byProfile === undefined) {
    byProfile = new Map();
    defaultsCache.set(job, byProfile);
  }
  byProfile.set(profile, defaults);
  return defaults;
}

export { sortLabelNames };

function sortedNames(labels: LabelSet): readonly string[] {
  return sortLabelNames(Object.keys(labels));
}

/** Group labels are shared by every target of the group: sort their names once per label-set object. */
function sortedGroupNames(labels: LabelSet): SortedNames {
  let sorted = sortedNamesCache.get(labels);
  if (sorted === undefined) {
    const names = sortedNames(labels);
    sorted = { names, isPlain: names.every(isPlainName) };
    sortedNamesCache.set(labels, sorted);
  }
  return sorted;
}

const isNativeBefore = (a: string, b: string): boolean => a < b;
const isUtf8Before = (a: string, b: string): boolean => compareUtf8(a, b) < 0;

/**
 * Steps 1-2 of core.md 4.1: target labels win over group labels (a present but empty target label still
 * hides the group's), empty values vanish, then defaults fill what is absent. Output keys are sorted.
 */
export function discoveredLabels(target: LabelSet, groupLabels: LabelSet, job: ScrapeConfig, profile: Profile): LabelSet {
  const tNames = sortedNames(target);
  const group = sortedGroupNames(groupLabels);
  const gNames = group.names;
  const d = jobDefaults(job, profile);
  const isBefore = group.isPlain && d.isPlain && tNames.every(isPlainName) ? isNativeBefore : isUtf8Before;
  const out: Record<string, string> = {};
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < tNames.length || j < gNames.length || k < d.names.length) {
    let name = tNames[i];
    const g = gNames[j];
    if (g !== undefined && (name === undefined || isBefore(g, name))) name = g;
    const dn = d.names[k];
    if (dn !== undefined && (name === undefined || isBefore(dn, name))) name = dn;
    if (name === undefined) break;
    let value = "";
    let isPresent = false;
    if (tNames[i] === name) {
      value = target[name] ?? "";
      isPresent = true;
      i++;
    }
    if (gNames[j] === name) {
      if (!isPresent) value = groupLabels[name] ?? "";
      j++;
    }
    if (dn === name) {
      if (d.overrides[k] === true || value === "") value = d.values[k] ?? "";
      k++;
    }
    if (value !== "") setOwnLabel(out, name, value);
  }
  return out;
}

/** What a target's discovered labels are merged from: its own labels, its group's (shared) and the job's defaults. */
interface DiscoveredParts {
  readonly target: LabelSet;
  readonly groupLabels: LabelSet;
  readonly job: ScrapeConfig;
  readonly profile: Profile;
}

/**
 * A built target keeps the parts of its discovered labels and merges them on each read, as Prometheus 3.x's
 * Target.DiscoveredLabels() does: a merged copy per target (about 100 entries for a kubernetes pod) was most
 * of the daemon's heap at 100,000 pods. The result is not cached, since one API call would bring it all back.
 */
class LazyDiscovered {
  readonly #target: LabelSet;
  readonly #groupLabels: LabelSet;
  readonly #job: ScrapeConfig;
  readonly #profile: Profile;
  readonly source: string;
  readonly index: number;

  constructor(parts: DiscoveredParts, where: { readonly source: string; readonly index: number }) {
    this.#target = parts.target;
    this.#groupLabels = parts.groupLabels;
    this.#job = parts.job;
    this.#profile = parts.profile;
    this.source = where.source;
    this.index = where.index;
  }

  /** A new object on every read: read it once per use. */
  get discoveredLabels(): LabelSet {
    return discoveredLabels(this.#target, this.#groupLabels, this.#job, this.#profile);
  }

  /** Equal parts give equal discovered labels; unequal parts may still give equal ones (`{a: ""}` vs `{}`). */
  static haveEqualParts(a: LazyDiscovered, b: LazyDiscovered): boolean {
    return (
      a.#job === b.#job &&
      a.#profile === b.#profile &&
      (a.#groupLabels === b.#groupLabels || labelSetsEqual(a.#groupLabels, b.#groupLabels)) &&
      (a.#target === b.#target || labelSetsEqual(a.#target, b.#target))
    );
  }
}

class BuiltActiveTarget extends LazyDiscovered implements ActiveTarget {
  readonly labels: LabelSet;
  readonly scrapeUrl: string;

  constructor(parts: DiscoveredParts, fields: Omit<ActiveTarget, "discoveredLabels">) {
    super(parts, fields);
    this.labels = fields.labels;
    this.scrapeUrl = fields.scrapeUrl;
  }
}

class BuiltDroppedTarget extends LazyDiscovered implements DroppedTarget {
  readonly droppedByRule: number;

  constructor(parts: DiscoveredParts, fields: Omit<DroppedTarget, "discoveredLabels">) {
    super(parts, fields);
    this.droppedByRule = fields.droppedByRule;
  }
}

class BuiltFailedTarget extends LazyDiscovered implements FailedTarget {
  readonly reason: string;

  constructor(parts: DiscoveredParts, fields: Omit<FailedTarget, "discoveredLabels">) {
    super(parts, fields);
    this.reason = fields.reason;
  }
}

/**
 * Whether two targets have equal discovered labels. Targets built here are compared by their parts, so that
 * comparing a rebuilt job with the previous one does not merge 400,000 label sets; only targets whose parts
 * differ are merged and compared.
 */
export function sameDiscoveredLabels(a: { readonly discoveredLabels: LabelSet }, b: { readonly discoveredLabels: LabelSet }): boolean {
  if (a === b) return true;
  if (a instanceof LazyDiscovered && b instanceof LazyDiscovered && LazyDiscovered.haveEqualParts(a, b)) return true;
  return labelSetsEqual(a.discoveredLabels, b.discoveredLabels);
}

function failed(parts: DiscoveredParts, where: { source: string; index: number }, reason: string): BuiltTarget {
  return { kind: "failed", target: new BuiltFailedTarget(parts, { source: where.source, index: where.index, reason }) };
}

/** 2.42's default port (core.md 4.2); returns the new address, the unchanged one, or an error text. */
function withDefaultPort(address: string, scheme: string, job: ScrapeConfig): { address: string } | { error: string } {
  if (splitHostPort(address).ok || !splitHostPort(`${address}:1234`).ok) return { address };
  if (scheme === "http" || scheme === "") return { address: `${address}:80` };
  if (scheme === "https") return { address: `${address}:443` };
  // Prometheus quotes the job's configured scheme here, not the relabeled `__scheme__`.
  return { error: `invalid scheme: ${goQuote(job.scheme)}` };
}

/** A parsed duration or the parse error text. Targets of a job share a few strings, so results are cached. */
type ParsedDuration = { readonly ms: number } | { readonly error: string };
const durationCache: Record<Profile, Map<string, ParsedDuration>> = { v3: new Map(), "v2.42": new Map() };
const DURATION_CACHE_LIMIT = 4096;

function cachedDuration(text: string, profile: Profile): ParsedDuration {
  const cache = durationCache[profile];
  let parsed = cache.get(text);
  if (parsed === undefined) {
    try {
      parsed = { ms: parseDuration(text, profile) };
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      parsed = { error: error.message };
    }
    if (cache.size >= DURATION_CACHE_LIMIT) cache.clear();
    cache.set(text, parsed);
  }
  return parsed;
}

/** Steps 6-9: the first problem with the interval, timeout or histogram labels, if any. */
function checkScrapeSettings(labels: LabelSet, profile: Profile): string | undefined {
  const intervalText = labels[SCRAPE_INTERVAL_LABEL] ?? "";
  const timeoutText = labels[SCRAPE_TIMEOUT_LABEL] ?? "";
  const interval = cachedDuration(intervalText, profile);
  if ("error" in interval) return `error parsing scrape interval: ${interval.error}`;
  if (interval.ms === 0) return "scrape interval cannot be 0";
  const timeout = cachedDuration(timeoutText, profile);
  if ("error" in timeout) return `error parsing scrape timeout: ${timeout.error}`;
  if (timeout.ms === 0) return "scrape timeout cannot be 0";
  if (timeout.ms > interval.ms) {
    return `scrape timeout cannot be greater than scrape interval (${goQuote(timeoutText)} > ${goQuote(intervalText)})`;
  }
  if (profile === "v3") {
    for (const [name, what] of HISTOGRAM_LABELS) {
      const value = labels[name];
      if (value !== undefined && !GO_BOOLS.has(value)) {
        return `error parsing ${what}: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`;
      }
    }
  }
  return undefined;
}

/**
 * Steps 10-12: drop `__meta_*`, default `instance` to the address, keep names sorted, check values.
 * Returns the final label set or the failure text.
 */
function finishLabels(labels: LabelSet, address: string): LabelSet | string {
  const names: string[] = [];
  let hasInstance = false;
  for (const name in labels) {
    if (name.startsWith(META_LABEL_PREFIX)) continue;
    if (name === INSTANCE_LABEL) hasInstance = (labels[name] ?? "") !== "";
    names.push(name);
  }
  if (!hasInstance && !names.includes(INSTANCE_LABEL)) names.push(INSTANCE_LABEL);
  sortLabelNames(names); // returns at once when they are sorted already
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = name === ADDRESS_LABEL || (name === INSTANCE_LABEL && !hasInstance) ? address : labels[name] ?? "";
    if (value === "") continue;
    if (!value.isWellFormed()) return `invalid label value for ${goQuote(name)}: ${goQuote(value)}`;
    setOwnLabel(out, name, value);
  }
  return out;
}

/**
 * Builds one target (core.md 4.1, 4.2 for `v2.42`). Never throws for bad data: the result is active,
 * dropped (with the index of the dropping rule) or failed (with Prometheus's message, without the
 * `instance <i> in group <source>: ` prefix, which `failureMessage` adds).
 */
export function buildTarget(
  target: LabelSet,
  groupLabels: LabelSet,
  job: ScrapeConfig,
  profile: Profile,
  where: { source: string; index: number },
): BuiltTarget {
  const parts: DiscoveredParts = { target, groupLabels, job, profile };
  // The merged set is only relabeling's input: the built target keeps `parts`, so it becomes garbage here.
  const discovered = discoveredLabels(target, groupLabels, job, profile);
  let labels: LabelSet = discovered;
  if (job.relabelConfigs.length > 0) {
    const trace = relabelTrace(discovered, job.relabelConfigs);
    if (trace.result === undefined) {
      return { kind: "dropped", target: new BuiltDroppedTarget(parts, { source: where.source, index: where.index, droppedByRule: trace.droppedByRule }) };
    }
    labels = trace.result;
  }
  let address = labels[ADDRESS_LABEL] ?? "";
  if (address === "") return failed(parts, where, "no address");
  if (profile === "v2.42") {
    const ported = withDefaultPort(address, labels[SCHEME_LABEL] ?? "", job);
    if ("error" in ported) return failed(parts, where, ported.error);
    address = ported.address;
  }
  if (address.includes("/")) return failed(parts, where, `${goQuote(address)} is not a valid hostname`);
  const problem = checkScrapeSettings(labels, profile);
  if (problem !== undefined) return failed(parts, where, problem);
  const finished = finishLabels(labels, address);
  if (typeof finished === "string") return failed(parts, where, finished);
  const active = new BuiltActiveTarget(parts, { labels: finished, scrapeUrl: scrapeUrl(finished, job.params), source: where.source, index: where.index });
  return { kind: "active", target: active };
}

/** Prometheus's log text for a failed target: `instance <i> in group <source>: <reason>`. */
export function failureMessage(target: FailedTarget): string {
  return `instance ${target.index} in group ${target.source}: ${target.reason}`;
}

/** Builds the targets of one group, in order (core.md 4.1 per target). */
export function buildGroupTargets(job: ScrapeConfig, group: TargetGroup, profile: Profile): BuiltTarget[] {
  const out: BuiltTarget[] = new Array<BuiltTarget>(group.targets.length);
  for (let index = 0; index < group.targets.length; index++) {
    out[index] = buildTarget(group.targets[index] ?? {}, group.labels, job, profile, { source: group.source, index });
  }
  return out;
}

/**
 * Builds every target of one job (core.md 4.1-4.7): active targets deduplicated by identity, dropped
 * targets in processing order limited by `keep_dropped_targets` (0 = all), failed targets in processing order.
 * `builtGroups`, when given, supplies the targets of groups already built for this same job config (keyed by
 * the group object, which the manager keeps for unchanged groups) and receives those of every group here.
 */
export function buildJobTargets(
  job: ScrapeConfig,
  groups: readonly TargetGroup[],
  profile: Profile,
  builtGroups?: { readonly previous: ReadonlyMap<TargetGroup, readonly BuiltTarget[]>; readonly next: Map<TargetGroup, readonly BuiltTarget[]> },
): JobTargets {
  const active = new ActiveTargetSet();
  const dropped: DroppedTarget[] = [];
  const failedTargets: FailedTarget[] = [];
  let droppedCount = 0;
  const limit = job.keepDroppedTargets;
  for (const group of groups) {
    const targets = builtGroups?.previous.get(group) ?? buildGroupTargets(job, group, profile);
    builtGroups?.next.set(group, targets);
    for (const built of targets) {
      switch (built.kind) {
        case "active":
          active.add(built.target);
          break;
        case "dropped":
          droppedCount++;
          if (limit === 0 || dropped.length < limit) dropped.push(built.target);
          break;
        case "failed":
          failedTargets.push(built.target);
          break;
      }
    }
  }
  return { jobName: job.jobName, active: active.targets, dropped, droppedCount, failed: failedTargets, updatedAtMs: Date.now() };
}
