/**
 * Command-line parsing for promsd's subcommands: `--name=value`, `--name value` and boolean `--name` flags
 * anywhere among the positional arguments (kingpin-style, as promtool accepts them), plus Go's
 * `time.ParseDuration` for `--timeout` (spec core.md 5.6: CLI durations are Go durations, `1.5s`, `2m30s`).
 */

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  readonly positional: readonly string[];
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/** Parses `argv`; `valueFlags` take a value, `booleanFlags` do not; anything else starting with `--` is an error. */
export function parseArgs(argv: readonly string[], valueFlags: readonly string[], booleanFlags: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      flags.add("help");
      continue;
    }
    if (!arg.startsWith("--") || arg.length === 2) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (valueFlags.includes(name)) {
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`expected argument for flag --${name}`);
      values.set(name, value);
    } else if (booleanFlags.includes(name) || name === "help") {
      if (eq >= 0) throw new UsageError(`flag --${name} takes no value`);
      flags.add(name);
    } else {
      throw new UsageError(`unknown long flag '--${name}'`);
    }
  }
  return { positional, values, flags };
}

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/**
 * Go's `time.ParseDuration`, returning milliseconds (fractions kept): `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`,
 * or `0`. Error texts are Go's: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
 * `time: unknown unit "d" in duration "1d"`.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new UsageError(`time: invalid duration ${quoted}`);
  let totalNs = 0;
  while (rest !== "") {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2];
    if (whole === "" && (fraction === undefined || fraction === "")) throw new UsageError(`time: invalid duration ${quoted}`);
    rest = rest.slice(number?.[0].length ?? 0);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new UsageError(`time: missing unit in duration ${quoted}`);
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) throw new UsageError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    totalNs += Number(`${whole || "0"}.${fraction ?? "0"}`) * perUnit;
    if (totalNs > 9_223_372_036_854_775_807) throw new UsageError(`time: invalid duration ${quoted}`);
  }
  return (sign * Math.floor(totalNs)) / 1e6;
}
