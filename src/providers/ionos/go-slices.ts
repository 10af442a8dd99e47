/**
 * Go string slices with shared backing arrays, just enough to reproduce how Prometheus's IONOS discovery
 * builds its IP lists (`ips = append(nicIPs, ips...)`, then `byName[n] = append(nicIPs, byName[n]...)`):
 * when a NIC's decoded `ips` slice has spare capacity, both appends write into the same array and the
 * second overwrites entries of the first. Which slices have spare capacity depends on how encoding/json
 * grew them, and that differs by Go version: Go 1.19 (Debian's 2.42) starts at 4 and grows by half;
 * Go 1.21+ (3.x) grows through `reflect.Value.Grow`, i.e. runtime growslice (1, 2, 4, 8, …). Both
 * behaviours were checked against promtool 2.42 (ionos.integration.test.ts) and Go's sources.
 */
import type { Profile } from "../../profile.js";

export interface GoSlice {
  readonly array: (string | undefined)[];
  readonly length: number;
  readonly capacity: number;
}

/** Go's malloc size classes (bytes) up to 2 KiB; a string header is 16 bytes. */
const SIZE_CLASSES = [16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048];

function roundUpCapacity(capacity: number): number {
  const bytes = SIZE_CLASSES.find((size) => size >= capacity * 16);
  return bytes === undefined ? capacity : bytes / 16;
}

/** runtime.growslice's new capacity for a slice of capacity `oldCapacity` that must hold `needed`. */
function grownCapacity(oldCapacity: number, needed: number): number {
  const doubled = oldCapacity * 2;
  if (needed > doubled) return roundUpCapacity(needed);
  if (oldCapacity < 256) return roundUpCapacity(doubled);
  let capacity = oldCapacity;
  while (capacity < needed) capacity += (capacity + 3 * 256) >> 2;
  return roundUpCapacity(capacity);
}

/** The slice encoding/json produces for a JSON array of `items` under each profile's Go version. */
export function decodedSlice(items: readonly string[], profile: Profile): GoSlice {
  let capacity = 0;
  for (let i = 0; i < items.length; i++) {
    if (i < capacity) continue;
    capacity = profile === "v2.42" ? Math.max(4, capacity + (capacity >> 1)) : grownCapacity(capacity, i + 1);
  }
  const array: (string | undefined)[] = [...items];
  array.length = capacity;
  return { array, length: items.length, capacity };
}

export const EMPTY_SLICE: GoSlice = { array: [], length: 0, capacity: 0 };

export function sliceValues(slice: GoSlice): string[] {
  return slice.array.slice(0, slice.length).map((v) => v ?? "");
}

/** Go's `append(target, items...)`: in place when it fits (sharing `target`'s array), else into a new array. */
export function goAppend(target: GoSlice, items: GoSlice): GoSlice {
  const values = sliceValues(items); // memmove semantics: read before writing
  const length = target.length + values.length;
  if (values.length === 0) return target;
  if (length <= target.capacity) {
    values.forEach((value, i) => (target.array[target.length + i] = value));
    return { array: target.array, length, capacity: target.capacity };
  }
  const capacity = grownCapacity(target.capacity, length);
  const array: (string | undefined)[] = [...sliceValues(target), ...values];
  array.length = capacity;
  return { array, length, capacity };
}
