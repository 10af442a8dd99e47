/**
 * `promsd run` flags, spelled and parsed in Prometheus's (kingpin) style: `--name=value` or `--name value`,
 * booleans as `--name` / `--no-name`, durations in Prometheus's syntax. Unknown flags are errors.
 */
import { parseDuration } from "../config/duration.js";
import type { LogFormat, LogLevel } from "../logging.js";
import { parseProfile, type Profile } from "../profile.js";
import { DEFAULT_CONSUMER_TIMEOUT_MS, parseMembershipSpec, type MembershipSpec } from "../allocation/membership.js";
import { parseListenAddress } from "../outputs/http/server.js";

export interface DaemonFlags {
  /** Undefined: run on the embedded default config. */
  readonly configFile: string | undefined;
  readonly listenAddress: string;
  /** Base URL under which promsd is reachable from outside (for `globalUrl`); default from hostname and port. */
  readonly externalUrl: string | undefined;
  /** exporter-toolkit web config (TLS, basic auth, headers, rate limit); undefined: plain HTTP, no auth. */
  readonly webConfigFile: string | undefined;
  readonly enableLifecycle: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Discovery-side throttle (core.md 2.6). 0 sends every change at once. */
  readonly discoveryUpdateIntervalMs: number;
  /** Scrape-side throttle (core.md 2.6): how often targets are rebuilt from the latest snapshot. */
  readonly discoveryReloadIntervalMs: number;
  readonly fileSdDir: string | undefined;
  readonly profile: Profile;
  /** `?consumer=` allocation membership (issue 17); undefined: allocation off. */
  readonly allocationConsumers: MembershipSpec | undefined;
  /** `polling` membership: a consumer silent this long is dropped. */
  readonly allocationConsumerTimeoutMs: number;
}

export const DEFAULT_FLAGS: DaemonFlags = Object.freeze({
  configFile: undefined,
  listenAddress: "127.0.0.1:9800",
  externalUrl: undefined,
  webConfigFile: undefined,
  enableLifecycle: false,
  logLevel: "info",
  logFormat: "logfmt",
  discoveryUpdateIntervalMs: 5000,
  discoveryReloadIntervalMs: 5000,
  fileSdDir: undefined,
  profile: "v3",
  allocationConsumers: undefined,
  allocationConsumerTimeoutMs: DEFAULT_CONSUMER_TIMEOUT_MS,
});

/** A bad command line; the message is what kingpin would print after `promsd: error: `. */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FlagSpec {
  readonly help: string;
  readonly isBoolean?: boolean;
  readonly apply: (flags: Mutable<DaemonFlags>, value: string) => void;
}

function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new FlagError(`enum value must be one of ${allowed.join(",")}, got '${value}' for --${flag}`);
  return found;
}

function duration(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new FlagError(`invalid value "${value}" for flag --${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function bool(flag: string, value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new FlagError(`invalid value "${value}" for flag --${flag}: expected true or false`);
}

const SPECS: Readonly<Record<string, FlagSpec>> = {
  "config.file": { help: "promsd/Prometheus configuration file (default: the embedded config).", apply: (f, v) => (f.configFile = v) },
  "web.listen-address": {
    help: `Address to listen on for the API, http_sd and metrics (default ${DEFAULT_FLAGS.listenAddress}).`,
    apply: (f, v) => {
      try {
        parseListenAddress(v);
      } catch (error) {
        throw new FlagError(error instanceof Error ? error.message : String(error));
      }
      f.listenAddress = v;
    },
  },
  "web.config.file": { help: "Path to a web configuration file (exporter-toolkit format) that can enable TLS, basic auth, headers and a rate limit.", apply: (f, v) => (f.webConfigFile = v) },
  "web.external-url": { help: "URL under which promsd is reachable from outside (used for globalUrl).", apply: (f, v) => (f.externalUrl = v) },
  "web.enable-lifecycle": { help: "Enable reload and shutdown via HTTP (POST /-/reload, /-/quit).", isBoolean: true, apply: (f, v) => (f.enableLifecycle = bool("web.enable-lifecycle", v)) },
  "log.level": { help: "Only log messages with the given severity or above: debug, info, warn, error.", apply: (f, v) => (f.logLevel = oneOf("log.level", ["debug", "info", "warn", "error"], v)) },
  "log.format": { help: "Output format of log messages: logfmt, json.", apply: (f, v) => (f.logFormat = oneOf("log.format", ["logfmt", "json"], v)) },
  "discovery.update-interval": { help: "Discovery-side throttle between target updates (default 5s; 0 = immediate).", apply: (f, v) => (f.discoveryUpdateIntervalMs = duration("discovery.update-interval", v)) },
  "scrape.discovery-reload-interval": { help: "How often targets are rebuilt from the latest discovery update (default 5s).", apply: (f, v) => (f.discoveryReloadIntervalMs = duration("scrape.discovery-reload-interval", v)) },
  "output.file-sd.dir": { help: "Write one <job>.json file_sd file per job into this directory.", apply: (f, v) => (f.fileSdDir = v) },
  "allocation.consumers": {
    help: "Serve ?consumer=<id> on http_sd: static:<id>,<id>,... (same on every replica) or polling (consumers register by polling; per replica).",
    apply: (f, v) => {
      try {
        f.allocationConsumers = parseMembershipSpec(v);
      } catch (error) {
        throw new FlagError(error instanceof Error ? error.message : String(error));
      }
    },
  },
  "allocation.consumer-timeout": { help: "polling membership: drop a consumer silent this long (default 2m).", apply: (f, v) => (f.allocationConsumerTimeoutMs = duration("allocation.consumer-timeout", v)) },
  profile: {
    help: "Behaviour profile: v3 (default) or v2.42.",
    apply: (f, v) => {
      try {
        f.profile = parseProfile(v);
      } catch (error) {
        throw new FlagError(error instanceof Error ? error.message : String(error));
      }
    },
  },
};

/** Returns the flags, "help" when -h/--help was given, "version" for --version. Throws FlagError. */
export function parseDaemonFlags(argv: readonly string[]): DaemonFlags | "help" | "version" {
  const flags: Mutable<DaemonFlags> = { ...DEFAULT_FLAGS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--version") return "version";
    if (!arg.startsWith("--")) throw new FlagError(`unexpected ${arg}, try --help`);
    const eq = arg.indexOf("=");
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let value = eq < 0 ? undefined : arg.slice(eq + 1);
    let spec = SPECS[name];
    if (!spec && name.startsWith("no-") && value === undefined && SPECS[name.slice(3)]?.isBoolean) {
      name = name.slice(3);
      spec = SPECS[name];
      value = "false";
    }
    if (!spec) throw new FlagError(`unknown long flag '--${name}', try --help`);
    if (value === undefined) {
      if (spec.isBoolean) value = "true";
      else if (i + 1 < argv.length) value = argv[++i] ?? "";
      else throw new FlagError(`expected argument for flag '--${name}'`);
    }
    spec.apply(flags, value);
  }
  return flags;
}

export function daemonUsage(): string {
  const lines = Object.entries(SPECS).map(([name, spec]) => `  --${spec.isBoolean ? `[no-]${name}` : `${name}=VALUE`}\n      ${spec.help}`);
  return `usage: promsd run [<flags>]\n\nServe discovered targets over http_sd, file_sd and a Prometheus-compatible API.\n\nFlags:\n  -h, --help\n      Show this help.\n  --version\n      Show the version (as promtool --version does).\n${lines.join("\n")}\n`;
}
