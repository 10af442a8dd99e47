import type { ConfigLocation } from "./yaml/location.js";

/** Base of every error promsd raises on purpose; `code` is stable, tests check it instead of text. */
export abstract class PromsdError extends Error {
  abstract readonly code: `PROMSD_${string}`;
}

/**
 * A configuration problem found at load time. The message names file, line, YAML path, the problem in
 * Prometheus's own words (so users can search for it) and a hint:
 * `prometheus.yml:14: scrape_configs[2].relabel_configs[0].action: unknown relabel action "replce"; expected one of replace, keep, …`
 */
/**
 * go-yaml's syntax errors carry their own line (`yaml: line 4: did not find expected key`); the message
 * already starts with the file and line, so one line number is enough (`indent.yml:5: yaml: did not find …`).
 * `problem` keeps go-yaml's text for the places that print Prometheus's own output.
 */
function withoutYamlLine(problem: string): string {
  return problem.replace(/^yaml: line \d+: /, "yaml: ");
}

export class ConfigError extends PromsdError {
  override readonly code = "PROMSD_CONFIG_INVALID";
  override readonly name = "ConfigError";
  /** The message Prometheus itself prints for this problem (without file context). */
  readonly problem: string;
  readonly hint: string | undefined;
  constructor(readonly at: ConfigLocation, problem: string, hint?: string, options?: ErrorOptions) {
    super(`${at.describe()}: ${withoutYamlLine(problem)}${hint ? `; ${hint}` : ""}`, options);
    this.problem = problem;
    this.hint = hint;
  }
}

/** A remote source misbehaved (status, content type, size cap, timeout, bad body). Logged and counted. */
export class SourceError extends PromsdError {
  override readonly name = "SourceError";
  constructor(
    readonly code: `PROMSD_SOURCE_${string}`,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
