/**
 * `hashmod` (spec core.md 3.6): MD5 of the UTF-8 bytes, the last 8 bytes read as a big-endian unsigned
 * 64-bit integer, modulo `modulus`. BigInt keeps every bit of the hash; the result is below the modulus, so
 * a number modulus (any safe integer, e.g. a shard count) gives an exact number result.
 */
import { createHash } from "node:crypto";

/**
 * `H(value) mod modulus`, returned in the modulus's type: `hashmod("a:9100", 4)` is a number,
 * `hashmod("a:9100", 4n)` a bigint (relabel rules use bigint, as Prometheus's uint64 `modulus`).
 * Throws RangeError for a modulus that is not a positive integer (a number must also be safe).
 */
export function hashmod(value: string, modulus: number): number;
export function hashmod(value: string, modulus: bigint): bigint;
export function hashmod(value: string, modulus: number | bigint): number | bigint {
  if (typeof modulus === "number") {
    if (!Number.isSafeInteger(modulus) || modulus <= 0) throw new RangeError(`hashmod: modulus must be a positive safe integer, got ${modulus}`);
    return Number(hashmodBig(value, BigInt(modulus)));
  }
  if (modulus <= 0n) throw new RangeError(`hashmod: modulus must be positive, got ${modulus}`);
  return hashmodBig(value, modulus);
}

function hashmodBig(value: string, modulus: bigint): bigint {
  const digest = createHash("md5").update(value, "utf8").digest();
  return digest.readBigUInt64BE(8) % modulus;
}
