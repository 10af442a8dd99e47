/**
 * `hashmod` (spec core.md 3.6): MD5 of the UTF-8 bytes, the last 8 bytes read as a big-endian unsigned
 * 64-bit integer, modulo `modulus`. BigInt keeps every bit; a JS number would round.
 */
import { createHash } from "node:crypto";

/** `H(value) mod modulus`; `modulus` must be non-zero (validated at config load). */
export function hashmod(value: string, modulus: bigint): bigint {
  const digest = createHash("md5").update(value, "utf8").digest();
  return digest.readBigUInt64BE(8) % modulus;
}
