/**
 * Stable hashes for allocation: the same bytes give the same numbers in every process, on every machine and
 * in every future version, because replicas must agree byte for byte (issue 17, item 3). No seeds, no
 * per-process randomness, no `Math.random`, no engine-specific string hashing.
 *
 * - Identities (a target's identity, a consumer's id) are hashed ONCE with FNV-1a-64 over their UTF-8 bytes:
 *   a published, dependency-free, byte-oriented function (http://www.isthe.com/chongo/tech/comp/fnv/) that
 *   needs no native module; its weak avalanche on short, similar strings ("10.0.0.1:80" vs "10.0.0.2:80") is
 *   why its output is never used directly but mixed below.
 * - The rendezvous score of a (target, consumer) pair combines the two 64-bit hashes and runs them through
 *   the MurmurHash3 32-bit finaliser twice (a bijective avalanche mix), giving 53 uniform bits. This is the
 *   hot loop (targets × consumers), so it is plain 32-bit integer arithmetic with Math.imul: no BigInt.
 */

/** A 64-bit hash as two unsigned 32-bit halves. */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const TWO_32 = 0x1_0000_0000;
const encoder = new TextEncoder();

/** FNV-1a-64 over the UTF-8 bytes of `text` (prime 2^40 + 0x1b3, multiplied out on 32-bit halves). */
export function fnv1a64(text: string): Hash64 {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  for (const byte of encoder.encode(text)) {
    lo = (lo ^ byte) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64; every partial product stays below 2^53, so it is exact.
    const low = lo * 0x1b3;
    const carry = Math.floor(low / TWO_32);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % TWO_32;
    lo = low % TWO_32;
  }
  return { hi, lo };
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_21 = 0x20_0000;
const TWO_53 = 2 ** 53;

/** The rendezvous draw of one (target, consumer) pair: uniform in [0, 1), 53 bits, deterministic. */
export function pairDraw(targetHi: number, targetLo: number, consumerHi: number, consumerLo: number): number {
  const a = fmix32((targetLo ^ Math.imul(consumerHi ^ 0x9e3779b9, 0x27d4eb2f)) >>> 0);
  const b = fmix32((targetHi ^ consumerLo ^ Math.imul(a, 0x165667b1)) >>> 0);
  const c = fmix32((a ^ Math.imul(b, 0x85ebca77)) >>> 0);
  return (b * TWO_21 + (c >>> 11)) / TWO_53;
}

/**
 * Weighted rendezvous score (Schindelhauer & Schomaker's logarithmic method): `weight / -ln(u)`; a consumer
 * with twice the weight wins twice as often, and adding or removing one still moves only the optimum.
 * Math.log is V8's fdlibm port, bit-identical on every platform Node runs on. `u` is shifted into (0, 1).
 */
export function weightedScore(draw: number, weight: number): number {
  return weight / -Math.log(draw + 0.5 / TWO_53);
}

/** Lower-case hex of a Hash64, 16 digits. */
export function hashHex({ hi, lo }: Hash64): string {
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
