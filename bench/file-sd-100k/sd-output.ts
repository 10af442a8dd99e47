/**
 * Reads the JSON array printed by `promtool check service-discovery` and `promsd sd` without holding it in
 * memory as one string (100,000 targets print about 250 MB), and boils it down to what the benchmark
 * compares: how many entries, how many kept / dropped / failed, and order-independent digests of the
 * `labels` and `discoveredLabels` multisets (promtool prints entries in Go map order, so order is noise).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/**
 * Splits a JSON array of objects into the text of its elements as chunks arrive. Tracks strings and
 * escapes, so braces inside label values do not confuse it.
 */
export class ArrayElementSplitter {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #pending = "";

  /** Feeds one chunk; calls `onElement` with the complete text of every top-level element it finished. */
  push(chunk: string, onElement: (text: string) => void): void {
    let start = this.#depth >= 2 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 0x5c) this.#escaped = true;
        else if (c === 0x22) this.#inString = false;
      } else if (c === 0x22) {
        this.#inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.#depth += 1;
        if (this.#depth === 2) start = i;
      } else if (c === 0x7d || c === 0x5d) {
        if (this.#depth === 2) {
          onElement(this.#pending + chunk.slice(start, i + 1));
          this.#pending = "";
          start = -1;
        }
        this.#depth -= 1;
      }
    }
    if (start >= 0) this.#pending += chunk.slice(start);
  }

  /** Throws unless the input was one complete array. */
  finish(): void {
    if (this.#depth !== 0 || this.#inString) throw new Error("truncated JSON array");
  }
}

export interface SdOutputSummary {
  readonly entries: number;
  readonly kept: number;
  readonly dropped: number;
  readonly failed: number;
  /** sha256 over the sorted per-entry digests of `labels` (keys sorted). */
  readonly labelsDigest: string;
  /** the same for `discoveredLabels` */
  readonly discoveredDigest: string;
  /** count of each `labels` digest, to tell how many entries one side has that the other lacks */
  readonly labelsCounts: ReadonlyMap<string, number>;
}

type LabelObject = Record<string, string>;

function canonicalDigest(labels: LabelObject): string {
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]]);
  return createHash("sha1").update(JSON.stringify(sorted)).digest("base64");
}

function multisetDigest(digests: string[]): string {
  return createHash("sha256").update(digests.sort().join("\n")).digest("hex");
}

/** Summarises the output file at `path`; throws when it is not a complete JSON array of entries. */
export async function summarizeSdOutput(path: string): Promise<SdOutputSummary> {
  const splitter = new ArrayElementSplitter();
  const labelDigests: string[] = [];
  const discoveredDigests: string[] = [];
  let kept = 0;
  let dropped = 0;
  let failed = 0;
  const onElement = (text: string): void => {
    // Parsed once here, at the edge; the shape is checked just below.
    const entry = JSON.parse(text) as { labels?: LabelObject; discoveredLabels?: LabelObject; error?: object };
    if (typeof entry.labels !== "object" || typeof entry.discoveredLabels !== "object") {
      throw new Error(`not an SD entry: ${text.slice(0, 200)}`);
    }
    if (entry.error !== undefined) failed += 1;
    else if (Object.keys(entry.labels).length === 0) dropped += 1;
    else kept += 1;
    labelDigests.push(canonicalDigest(entry.labels));
    discoveredDigests.push(canonicalDigest(entry.discoveredLabels));
  };
  let sawAny = false;
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    sawAny = true;
    splitter.push(chunk as string, onElement); // a stream with an encoding yields strings
  }
  if (!sawAny) throw new Error(`${path} is empty`);
  splitter.finish();
  const labelsCounts = new Map<string, number>();
  for (const d of labelDigests) labelsCounts.set(d, (labelsCounts.get(d) ?? 0) + 1);
  return {
    entries: labelDigests.length, kept, dropped, failed, labelsCounts,
    labelsDigest: multisetDigest(labelDigests), discoveredDigest: multisetDigest(discoveredDigests),
  };
}

/** How two outputs compare: `valid` needs equal entry counts and equal `labels` multisets. */
export interface OutputComparison {
  readonly valid: boolean;
  readonly sameCount: boolean;
  readonly sameLabels: boolean;
  readonly sameDiscoveredLabels: boolean;
  /** entries whose `labels` one side printed more often than the other, summed over both sides */
  readonly labelMismatches: number;
}

export function compareSdOutputs(ours: SdOutputSummary, theirs: SdOutputSummary): OutputComparison {
  let labelMismatches = 0;
  for (const digest of new Set([...ours.labelsCounts.keys(), ...theirs.labelsCounts.keys()])) {
    labelMismatches += Math.abs((ours.labelsCounts.get(digest) ?? 0) - (theirs.labelsCounts.get(digest) ?? 0));
  }
  const sameCount = ours.entries === theirs.entries;
  const sameLabels = ours.labelsDigest === theirs.labelsDigest;
  return {
    valid: sameCount && sameLabels, sameCount, sameLabels, labelMismatches,
    sameDiscoveredLabels: ours.discoveredDigest === theirs.discoveredDigest,
  };
}
