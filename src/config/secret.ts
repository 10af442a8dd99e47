import { inspect } from "node:util";

/**
 * A secret config value (password, token, …). It prints as `<secret>` everywhere — toString, toJSON,
 * util.inspect, template literals — so it cannot leak into logs, APIs or the UI by accident. Only
 * `reveal()` returns the value, and only code that sends it to the remote should call it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get isEmpty(): boolean {
    return this.#value === "";
  }
  /** Equality for provider sharing (two configs with the same secret are the same config). */
  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }
  toString(): string {
    return this.#value === "" ? "" : "<secret>";
  }
  toJSON(): string {
    return this.toString();
  }
  [inspect.custom](): string {
    return "Secret(<secret>)";
  }
}
