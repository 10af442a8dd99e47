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

/** `scheme://user:password@` at the start of a value: URLs with credentials (http_sd `url`, `api_server`, proxies). */
const URL_WITH_PASSWORD = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/;

/**
 * A URL's password shown as `xxxxx`, as Prometheus displays URLs (Go's URL.Redacted): a password written
 * into a URL is a secret too. Text that is not such a URL comes back unchanged.
 */
export function redactUrlPassword(text: string): string {
  return URL_WITH_PASSWORD.test(text) ? text.replace(URL_WITH_PASSWORD, "$1:xxxxx@") : text;
}
