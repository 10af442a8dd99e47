/**
 * go-yaml's deferred type errors. go-yaml v2 does not stop at a type error (unknown field, duplicate key,
 * `cannot unmarshal …`): it records it, skips that value, decodes the rest of the document, and at the end
 * reports every recorded error in one `yaml: unmarshal errors:` message. Errors raised by Prometheus's own
 * checks (`job_name is empty`, …) stop decoding at once, so one of those met first wins. A custom
 * unmarshaler that hits a type error in its own fields returns it before running its checks.
 *
 * promsd reproduces this at the granularity of top-level sections and list entries: each is decoded in
 * `run`, type errors are collected, other errors propagate, and `throwIfAny` reports the collection.
 */
import { ConfigError } from "../errors.js";

const PREFIX = "yaml: unmarshal errors:";

/** Whether `error` is one of go-yaml's type errors (as opposed to a Prometheus check). */
export function isYamlTypeError(error: unknown): error is ConfigError {
  return error instanceof ConfigError && error.problem.startsWith(PREFIX);
}

export class TypeErrorCollector {
  readonly #errors: ConfigError[] = [];

  /** Runs one decode step; a type error is recorded and `undefined` returned, other errors propagate. */
  run<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (!isYamlTypeError(error)) throw error;
      this.#errors.push(error);
      return undefined;
    }
  }

  get hasErrors(): boolean {
    return this.#errors.length > 0;
  }

  /** Throws the recorded errors as one, lines in document order (a single error is thrown unchanged). */
  throwIfAny(): void {
    const [first, ...rest] = [...this.#errors].sort((a, b) => a.at.line - b.at.line);
    if (first === undefined) return;
    if (rest.length === 0) throw first;
    const lines = [first, ...rest].flatMap((error) => error.problem.slice(PREFIX.length).split("\n").filter((line) => line !== ""));
    const lineNumber = (line: string): number => Number(/^ {2}line (\d+):/.exec(line)?.[1] ?? 0);
    const ordered = lines.map((line, i) => ({ line, i })).sort((a, b) => lineNumber(a.line) - lineNumber(b.line) || a.i - b.i);
    throw new ConfigError(first.at, `${PREFIX}${ordered.map(({ line }) => `\n${line}`).join("")}`, "fix every line listed", { cause: first });
  }
}
