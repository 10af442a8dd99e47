/**
 * Structured logging. The contract is pino's method shape so a pino logger can be passed straight in;
 * library users can pass any object with these methods. Loggers are scoped with `child`.
 */
import { pino } from "pino";

type LogMethod = (fields: Record<string, unknown>, message: string) => void;
export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogFormat = "logfmt" | "json";
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A logger that drops everything (library default, unit tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** Where log lines go: anything with a `write(line)` (a stream); default stderr. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface CreateLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Default: stderr (stdout stays clean for CLI output). Tests pass a collector. */
  readonly destination?: LogDestination;
}

/**
 * Creates the process logger: JSON lines (levels as text, `"level":"info"` like Prometheus' slog, not pino's
 * numbers) or logfmt, on stderr unless another destination is given.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  if (options.format === "json") {
    const pinoOptions = {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    };
    return pino(pinoOptions, options.destination ?? pino.destination(2)) as unknown as Logger;
  }
  const destination = options.destination ?? { write: (line: string) => process.stderr.write(line) };
  return createLogfmtLogger(options.level, {}, destination);
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function createLogfmtLogger(level: LogLevel, bindings: Record<string, unknown>, destination: LogDestination): Logger {
  const emit = (at: LogLevel) => (fields: Record<string, unknown>, message: string) => {
    if (LEVEL_RANK[at] < LEVEL_RANK[level]) return;
    const all: Record<string, unknown> = { ts: new Date().toISOString(), level: at, ...bindings, msg: message, ...fields };
    destination.write(`${Object.entries(all).map(([k, v]) => `${k}=${logfmtValue(v)}`).join(" ")}\n`);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (more) => createLogfmtLogger(level, { ...bindings, ...more }, destination),
  };
}

function logfmtValue(value: unknown): string {
  const text = value instanceof Error ? value.message : typeof value === "string" ? value : String(value instanceof Object && "toString" in value ? value.toString() : value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
