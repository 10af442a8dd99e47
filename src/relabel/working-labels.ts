/**
 * The mutable label set rules work on, like Prometheus's labels.Builder.
 *
 * It reads straight from the input record until the first write, so read-only rules (keep, drop,
 * keepequal, dropequal) copy nothing. Writes go to a Map (a plain object would treat a label named
 * `__proto__` as its prototype) whose insertion order is kept in UTF-8 byte order for as long as no new
 * name is added; `labelmap` and the final result then need no sort at all, and at most one sort otherwise.
 */
import { compareUtf8, isPlainName, setOwnLabel, sortLabelNames, type LabelSet } from "../model/labels.js";

export class WorkingLabels {
  readonly #input: LabelSet;
  #map: Map<string, string> | undefined;
  /** Whether the map's insertion order is byte order. */
  #isSorted = true;
  #isInputCanonical: boolean | undefined;

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
    if (value === "") {
      this.delete(name);
      return;
    }
    const map = this.#writable();
    const size = map.size;
    map.set(name, value);
    if (map.size !== size) this.#isSorted = false; // a new name went to the end
  }

  delete(name: string): void {
    if (this.#map === undefined && !Object.hasOwn(this.#input, name)) return;
    this.#writable().delete(name);
  }

  /** A snapshot of the current names, in no particular order. */
  names(): string[] {
    return this.#map === undefined ? Object.keys(this.#input) : [...this.#map.keys()];
  }

  /** Snapshots of the current names and values, names in UTF-8 byte order. */
  sortedSnapshot(): { names: string[]; values: string[] } {
    const map = this.#sorted();
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of map) {
      names.push(name);
      values.push(value);
    }
    return { names, values };
  }

  /** The result in canonical form; the input itself when nothing changed and it was canonical already. */
  toLabelSet(): LabelSet {
    if (this.#map === undefined && this.#inputIsCanonical()) return this.#input;
    const out: Record<string, string> = {};
    for (const [name, value] of this.#sorted()) {
      setOwnLabel(out, name, value);
    }
    return out;
  }

  #writable(): Map<string, string> {
    if (this.#map !== undefined) return this.#map;
    const input = this.#input;
    const names = Object.keys(input);
    if (!this.#inputIsCanonical()) sortLabelNames(names);
    const map = new Map<string, string>();
    for (const name of names) {
      const value = input[name];
      if (value !== undefined && value !== "") map.set(name, value);
    }
    this.#map = map;
    return map;
  }

  #inputIsCanonical(): boolean {
    return (this.#isInputCanonical ??= isCanonical(this.#input));
  }

  #sorted(): Map<string, string> {
    const map = this.#writable();
    if (this.#isSorted) return map;
    const names = sortLabelNames([...map.keys()]);
    const sorted = new Map<string, string>();
    for (const name of names) sorted.set(name, map.get(name) ?? "");
    this.#map = sorted;
    this.#isSorted = true;
    return sorted;
  }
}

/** Names in byte order without empty values. Native `<` is byte order without surrogates; exotic names go slow. */
function isCanonical(labels: LabelSet): boolean {
  let previous: string | undefined;
  for (const name in labels) {
    if (labels[name] === "") return false;
    if (!isPlainName(name)) return isCanonicalUtf8(labels);
    if (previous !== undefined && !(previous < name)) return false;
    previous = name;
  }
  return true;
}

function isCanonicalUtf8(labels: LabelSet): boolean {
  const names = Object.keys(labels);
  return names.every((name, i) => i === 0 || compareUtf8(names[i - 1] ?? "", name) < 0);
}
