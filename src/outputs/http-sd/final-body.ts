/**
 * The body of the http_sd final view built from pieces (issue 16, item 2). Each active target is encoded
 * once, when it first appears; the pieces live in blocks of about BLOCK_BYTES, in the view's order (address,
 * then served labels), and the body is `[`, the blocks joined by `,`, `]`, written as the blocks' buffers.
 * A new JobTargets re-encodes only the targets it added and rebuilds only the blocks that lost or gained
 * one: under churn a 200 MB body costs a few blocks per change, not a full encode.
 *
 * Targets are recognised by object: TargetSync keeps the targets of unchanged groups as the same objects.
 * The ETag is the SHA-1 of the blocks' SHA-1s: equal ETags mean equal bytes (a different cut of the same bytes
 * only costs a 200 where a 304 would have done).
 */
import { createHash } from "node:crypto";
import { ADDRESS_LABEL } from "../../model/labels.js";
import type { ActiveTarget, JobTargets } from "../../targets/types.js";
import type { EncodedBody } from "../http/byte-chunks.js";
import { compareFinalGroups, isServedLabel, sdGroupJson, type SdGroup } from "./groups.js";

/** Small enough that a changed target costs little copying, large enough that a body has few buffers. */
const BLOCK_BYTES = 32 * 1024;

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

/** One served target. `piece` is its JSON, a view into its block's bytes once placed. */
interface Entry extends SdGroup {
  readonly target: ActiveTarget;
  piece: Buffer;
  block: Block | undefined;
  /** The last `generation` whose JobTargets still holds this target. */
  seen: number;
}

interface Block {
  readonly entries: readonly Entry[];
  readonly bytes: Buffer;
  readonly hash: Buffer;
  /** Entries still present, counted while a new JobTargets is read. */
  kept: number;
}

export interface FinalBody {
  readonly job: JobTargets;
  readonly body: EncodedBody;
  readonly etag: string;
  /** The view's groups in order (the base shards are cut from). */
  groups(): SdGroup[];
}

/** The pieces of one job's final body, patched from one JobTargets to the next. */
export class FinalBodyPieces {
  #blocks: Block[] = [];
  readonly #entryOf = new Map<ActiveTarget, Entry>();
  #generation = 0;

  /** The body of `job`, reusing every piece and block that the previous JobTargets had unchanged. */
  update(job: JobTargets): FinalBody {
    const generation = ++this.#generation;
    const added: Entry[] = [];
    for (const target of job.active) {
      if (target.labels[ADDRESS_LABEL] === undefined) continue; // as finalGroups: building guarantees one
      const known = this.#entryOf.get(target);
      if (known !== undefined) {
        known.seen = generation;
        if (known.block !== undefined) known.block.kept++;
        continue;
      }
      const entry = newEntry(target, generation);
      this.#entryOf.set(target, entry);
      added.push(entry);
    }
    added.sort(compareFinalGroups);
    const blocks: Block[] = [];
    let next = 0;
    const old = this.#blocks;
    for (let i = 0; i < old.length; i++) {
      const block = old[i] as Block;
      const following = old[i + 1]?.entries[0];
      const start = next;
      while (next < added.length && (following === undefined || compareFinalGroups(added[next] as Entry, following) < 0)) next++;
      const isIntact = block.kept === block.entries.length && start === next;
      block.kept = 0;
      if (isIntact) {
        blocks.push(block);
        continue;
      }
      const kept = block.entries.filter((e) => {
        if (e.seen === generation) return true;
        this.#entryOf.delete(e.target);
        return false;
      });
      cutBlocks(merge(kept, added.slice(start, next)), blocks);
    }
    if (next < added.length) cutBlocks(added.slice(next), blocks);
    this.#blocks = blocks;
    return bodyOf(job, blocks);
  }
}

function newEntry(target: ActiveTarget, generation: number): Entry {
  const group: SdGroup = { targets: [target.labels[ADDRESS_LABEL] ?? ""], labels: target.labels, servesLabel: isServedLabel };
  return { ...group, target, piece: Buffer.from(sdGroupJson(group)), block: undefined, seen: generation };
}

/** Both sorted; entries comparing equal have equal JSON, so their order does not matter. */
function merge(a: readonly Entry[], b: readonly Entry[]): Entry[] {
  if (b.length === 0) return [...a];
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && compareFinalGroups(x, y) <= 0)) {
      out.push(x as Entry);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** Packs sorted entries into blocks of about BLOCK_BYTES, each piece becoming a view into its block. */
function cutBlocks(entries: readonly Entry[], out: Block[]): void {
  let start = 0;
  while (start < entries.length) {
    let end = start;
    let size = 0;
    while (end < entries.length && (end === start || size + (entries[end] as Entry).piece.length < BLOCK_BYTES)) {
      size += (entries[end] as Entry).piece.length + 1;
      end++;
    }
    const slice = entries.slice(start, end);
    const bytes = Buffer.allocUnsafe(size - 1);
    let at = 0;
    const pieces = slice.map((e) => {
      if (at > 0) bytes[at++] = 0x2c; // ","
      const from = at;
      at += e.piece.copy(bytes, at);
      return bytes.subarray(from, at);
    });
    const block: Block = { entries: slice, bytes, hash: createHash("sha1").update(bytes).digest(), kept: 0 };
    slice.forEach((e, k) => {
      e.piece = pieces[k] as Buffer;
      e.block = block;
    });
    out.push(block);
    start = end;
  }
}

function bodyOf(job: JobTargets, blocks: readonly Block[]): FinalBody {
  const chunks: Buffer[] = [OPEN];
  const hash = createHash("sha1");
  let byteLength = OPEN.length + CLOSE.length;
  blocks.forEach((block, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(block.bytes);
    hash.update(block.hash);
    byteLength += block.bytes.length + (i > 0 ? 1 : 0);
  });
  chunks.push(CLOSE);
  const sha1 = hash.digest("base64url");
  return {
    job,
    body: { chunks, byteLength, sha1 },
    etag: `"${sha1}"`,
    groups: () => blocks.flatMap((b) => b.entries),
  };
}
