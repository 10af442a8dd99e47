/**
 * What a provider reported as going wrong, for the UI's service-discovery page and
 * `/api/v1/promsd/providers`: providers report transient failures through their logger (STYLE 2.9: logged,
 * counted, last good targets kept), so the pool hands each discoverer a logger that also records every `warn`
 * and `error` it writes, with the time.
 */
import type { Logger } from "../logging.js";

export interface ProviderError {
  readonly message: string;
  readonly atMs: number;
}

export class ProviderErrors {
  readonly #now: () => number;
  count = 0;
  last: ProviderError | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  record(fields: Record<string, unknown>, message: string): void {
    const cause = fields["err"];
    const detail = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : undefined;
    const path = typeof fields["path"] === "string" ? ` (${fields["path"]})` : "";
    this.count++;
    this.last = { message: `${message}${path}${detail === undefined ? "" : `: ${detail}`}`, atMs: this.#now() };
  }

  /** `logger`, with its (and its children's) `warn` and `error` calls also recorded here. */
  watch(logger: Logger): Logger {
    return {
      debug: (fields, message) => logger.debug(fields, message),
      info: (fields, message) => logger.info(fields, message),
      warn: (fields, message) => {
        this.record(fields, message);
        logger.warn(fields, message);
      },
      error: (fields, message) => {
        this.record(fields, message);
        logger.error(fields, message);
      },
      child: (bindings) => this.watch(logger.child(bindings)),
    };
  }
}
