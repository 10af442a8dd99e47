/**
 * The two http_sd views of a job (issue 3, item 2) as lists of `{targets, labels}` groups, plus sharding.
 *
 * - final: one group per active target; `targets` is the final `__address__`, `labels` the public labels
 *   (`job`, `instance` included) plus `__scheme__`, `__metrics_path__` and `__param_*`, so a consumer without
 *   relabel rules scrapes exactly the URL promsd computed (core.md 4.4) and keeps promsd's job/instance.
 * - discovered: the raw groups as discovered (with `__meta_*`), for consumers that relabel themselves. http_sd
 *   groups carry labels per group only, so a target with labels of its own gets a group of its own; targets
 *   whose merged labels are equal share one.
 */
import { ADDRESS_LABEL, compareUtf8, labelSetKey, METRICS_PATH_LABEL, PARAM_LABEL_PREFIX, RESERVED_LABEL_PREFIX, SCHEME_LABEL, type LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { hashmod } from "../../relabel/index.js";
import type { JobTargets } from "../../targets/types.js";
import { labelsJson, stringsJson } from "../http/go-json.js";
import { jsonArrayPieces } from "../http/router.js";

export interface SdGroup {
  readonly targets: readonly string[];
  readonly labels: LabelSet;
  /** Merged over `labels` when served: a discovered target's own labels, shared rather than merged ahead. */
  readonly targetLabels?: LabelSet;
  /**
   * When set, only the labels it accepts are served. With `targetLabels` this lets a group share the label
   * sets it came from instead of holding a merged, filtered copy of every target's labels next to the cached
   * body (core.md 7.4).
   */
  readonly servesLabel?: (name: string, value: string) => boolean;
}

/** The labels a group serves, merged and filtered when it shares the sets it came from. */
export function servedLabels({ labels, targetLabels, servesLabel }: SdGroup): LabelSet {
  const all = targetLabels ? { ...labels, ...targetLabels } : labels;
  if (!servesLabel) return all;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) if (servesLabel(name, value)) out[name] = value;
  return out;
}

export type SdView = "final" | "discovered";

/** `shard` of `shards`: keeps targets whose hashmod of `__address__` equals `shard` (core.md 3.6). */
export interface Shard {
  readonly shard: number;
  readonly shards: number;
}

/** Labels of a final target an http_sd group serves: the public ones plus those that make its scrape URL. */
export function isServedLabel(name: string): boolean {
  if (!name.startsWith(RESERVED_LABEL_PREFIX)) return true;
  return name === SCHEME_LABEL || name === METRICS_PATH_LABEL || name.startsWith(PARAM_LABEL_PREFIX);
}

/** The final view's order: by address, then by the served labels (equal for both means equal JSON). */
export function compareFinalGroups(a: SdGroup, b: SdGroup): number {
  return compareUtf8(a.targets[0] ?? "", b.targets[0] ?? "") || compareUtf8(labelSetKey(servedLabels(a)), labelSetKey(servedLabels(b)));
}

/** The final view: one group per active target, ordered by address, then labels. */
export function finalGroups(job: JobTargets): SdGroup[] {
  const groups: SdGroup[] = [];
  for (const target of job.active) {
    const address = target.labels[ADDRESS_LABEL];
    if (address === undefined) continue; // target building guarantees an address; be defensive anyway
    groups.push({ targets: [address], labels: target.labels, servesLabel: isServedLabel });
  }
  return groups.sort(compareFinalGroups);
}

/** The discovered view: raw groups, split where targets carry labels of their own. */
export function discoveredGroups(groups: readonly TargetGroup[]): SdGroup[] {
  const out: { targets: string[]; labels: LabelSet; targetLabels: LabelSet; servesLabel: typeof isDiscoveredLabelServed }[] = [];
  let lastKey: string | undefined;
  for (const group of groups) {
    for (const target of group.targets) {
      const served = { targets: [], labels: group.labels, targetLabels: target, servesLabel: isDiscoveredLabelServed };
      const address = target[ADDRESS_LABEL] ?? group.labels[ADDRESS_LABEL];
      if (address === undefined || address === "") continue; // http_sd cannot express a target without an address
      // Only the previous group's key is kept: equal neighbours share a group, as the raw groups had them.
      const key = labelSetKey(servedLabels(served));
      const last = out.at(-1);
      if (last && lastKey === key) last.targets.push(address);
      else out.push({ ...served, targets: [address] });
      lastKey = key;
    }
  }
  return out;
}

/** A merged discovered label is served unless empty (unset) or the address, which goes to `targets`. */
function isDiscoveredLabelServed(name: string, value: string): boolean {
  return value !== "" && name !== ADDRESS_LABEL;
}

/**
 * Shard of each address per modulus, remembered across rebuilds: under churn most addresses stay, and MD5
 * per address per request would dominate. Bounded: cleared when it grows past MAX_CACHED_SHARDS.
 */
const shardCache = new Map<number, Map<string, number>>();
const MAX_CACHED_SHARDS = 1_000_000;
let cachedShardCount = 0;

function shardOf(address: string, shards: number): number {
  let byAddress = shardCache.get(shards);
  if (!byAddress) shardCache.set(shards, (byAddress = new Map()));
  let value = byAddress.get(address);
  if (value === undefined) {
    if (cachedShardCount >= MAX_CACHED_SHARDS) {
      shardCache.clear();
      cachedShardCount = 0;
      shardCache.set(shards, byAddress);
      byAddress.clear();
    }
    value = hashmod(address, shards);
    byAddress.set(address, value);
    cachedShardCount++;
  }
  return value;
}

/** Keeps only the targets of one shard; groups left without targets disappear. */
export function shardGroups(groups: readonly SdGroup[], { shard, shards }: Shard): SdGroup[] {
  const out: SdGroup[] = [];
  for (const group of groups) {
    const targets = group.targets.filter((address) => shardOf(address, shards) === shard);
    if (targets.length > 0) out.push({ ...group, targets });
  }
  return out;
}

/** The http_sd body in pieces, one group each (plus brackets and commas), for encoding without one big string. */
export function sdGroupsPieces(groups: readonly SdGroup[]): Iterable<string> {
  return jsonArrayPieces(groupsJson(groups));
}

function* groupsJson(groups: readonly SdGroup[]): Generator<string> {
  for (const g of groups) yield sdGroupJson(g);
}

/** One group of the http_sd body as JSON. */
export function sdGroupJson(g: SdGroup): string {
  return `{"targets":${stringsJson(g.targets, false)},"labels":${labelsJson(servedLabels(g), false)}}`;
}

/** The http_sd body: a JSON list of groups, `[]` when empty (core.md 6.2). */
export function encodeSdGroups(groups: readonly SdGroup[]): string {
  return [...sdGroupsPieces(groups)].join("");
}
