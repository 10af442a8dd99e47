/**
 * The mutable label set rules work on, like Prometheus's labels.Builder. It reads straight from the input
 * record until the first write, so read-only rules (keep, drop, keepequal, dropequal) copy nothing.
 * A Map is used for writes: a plain object would treat a label named `__proto__` as its prototype.
 */
import { compareUtf8, type LabelSet } from "../model/labels.js";

export class WorkingLabels {
  readonly #input: LabelSet;
  #map: Map<string, string> | undefined;

  constructor(input: LabelSet) {
    this.#input = input;
  }

  /** The value of `name`, "" when absent. */
  get(name: string): string {
    if (this.#map !== undefined) return this.#map.get(name) ?? "";
    return Object.hasOwn(this.#input, name) ? (this.#input[name] ?? "") : "";
  }

  /** Sets `name`; an empty value deletes it (spec core.md 1.5). */
  set(name: string, value: string): void {
    if (value === "") this.delete(name);
    else this.#writable().set(name, value);
  }

  delete(name: string): void {
    if (this.#map === undefined && !Object.hasOwn(this.#input, name)) return;
    this.#writable().delete(name);
  }

  /** A snapshot of the current names, in no particular order. */
  names(): string[] {
    return this.#map === undefined ? Object.keys(this.#input) : [...this.#map.keys()];
  }

  /** A snapshot of the current non-empty labels, names in UTF-8 byte order. */
  sortedEntries(): [string, string][] {
    const entries: [string, string][] =
      this.#map === undefined ? Object.entries(this.#input).filter(([, v]) => v !== "") : [...this.#map];
    return entries.sort((a, b) => compareUtf8(a[0], b[0]));
  }

  /** The result in canonical form; the input itself when nothing changed and it was canonical already. */
  toLabelSet(): LabelSet {
    if (this.#map === undefined && isCanonical(this.#input)) return this.#input;
    const out: Record<string, string> = {};
    for (const [name, value] of this.sortedEntries()) setOwn(out, name, value);
    return out;
  }

  #writable(): Map<string, string> {
    if (this.#map === undefined) {
      this.#map = new Map();
      for (const name of Object.keys(this.#input)) {
        const value = this.#input[name];
        if (value !== undefined && value !== "") this.#map.set(name, value);
      }
    }
    return this.#map;
  }
}

function isCanonical(labels: LabelSet): boolean {
  let previous: string | undefined;
  for (const name of Object.keys(labels)) {
    if (labels[name] === "" || (previous !== undefined && compareUtf8(previous, name) >= 0)) return false;
    previous = name;
  }
  return true;
}

/** Assigns an own property, also for the name `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Record<string, string>, name: string, value: string): void {
  if (name === "__proto__") Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}
