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

/** Creates the process logger: JSON lines or logfmt on stderr (stdout stays clean for CLI output). */
export function createLogger(options: { level: LogLevel; format: LogFormat }): Logger {
  if (options.format === "json") {
    return pino({ level: options.level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2)) as unknown as Logger;
  }
  return createLogfmtLogger(options.level, {});
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function createLogfmtLogger(level: LogLevel, bindings: Record<string, unknown>): Logger {
  const emit = (at: LogLevel) => (fields: Record<string, unknown>, message: string) => {
    if (LEVEL_RANK[at] < LEVEL_RANK[level]) return;
    const all: Record<string, unknown> = { ts: new Date().toISOString(), level: at, ...bindings, msg: message, ...fields };
    process.stderr.write(`${Object.entries(all).map(([k, v]) => `${k}=${logfmtValue(v)}`).join(" ")}\n`);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (more) => createLogfmtLogger(level, { ...bindings, ...more }),
  };
}

function logfmtValue(value: unknown): string {
  const text = value instanceof Error ? value.message : typeof value === "string" ? value : String(value instanceof Object && "toString" in value ? value.toString() : value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
