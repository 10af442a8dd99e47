/**
 * `promsd sd <config> <job> [--timeout=30s] [--profile=v3|v2.42] [--explain]`: promsd's
 * `promtool check service-discovery` (spec core.md 6.5). Same inputs, same messages, byte-identical JSON.
 *
 * Like promtool: only the chosen job's SD configs run, directly through `builtinProviders` (no manager, no
 * sharing, no throttle, no empty-static fallback); every update is recorded per Source and every recorded
 * version is evaluated. Unlike promtool: the command returns as soon as every provider has yielded its
 * initial set (or at `--timeout`), instead of always waiting the full timeout (issue 13538).
 * `--explain` (promsd only, spec 7.1) prints error texts and the rule that dropped each dropped target.
 */
import { stat } from "node:fs/promises";
import { Registry } from "prom-client";
import { loadConfigFile } from "../config/prometheus-config.js";
import type { PrometheusConfig, ScrapeConfig } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { createLogger, type Logger } from "../logging.js";
import type { TargetGroup } from "../model/target-group.js";
import { parseProfile, type Profile } from "../profile.js";
import { builtinProviders } from "../providers/index.js";
import { sleep } from "../providers/polling.js";
import type { Discoverer, ProviderDefinition } from "../providers/provider.js";
import { formatExplain, promtoolChunks, promtoolEntries, type RecordedGroups } from "../targets/promtool-format.js";
import { parseArgs, parseGoDuration, UsageError } from "./args.js";
import type { CliIo } from "./io.js";

export const SD_USAGE = `usage: promsd sd [<flags>] <config-file> <job>

Perform service discovery for the given job name and report the results, including relabeling,
exactly as "promtool check service-discovery" prints them. Returns as soon as every service
discovery mechanism of the job has delivered its initial targets, or at --timeout.

Flags:
  --timeout=30s       The time to wait for discovery results (Go duration: 300ms, 1.5s, 2m30s).
  --profile=v3        Which Prometheus to mimic: v3 (default) or v2.42.
  --explain           promsd extra: print each target's status, the error text of failed targets
                      and the relabel rule that dropped each dropped target.
  --help              Show this help.
`;

const STOP_GRACE_MS = 2000;

export interface CollectOptions {
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly providers?: readonly ProviderDefinition<unknown>[];
}

/** A discoverer could not be created (promtool: `Could not create new discoverer <err>`, exit 1). */
export class DiscovererCreationError extends Error {
  override readonly name = "DiscovererCreationError";
}

/**
 * Runs the job's SD configs and records every update per Source, until every discoverer has yielded its
 * initial set (or ended) or `timeoutMs` passed. SD configs whose mechanism promsd does not implement
 * contribute nothing (config loading already warned about them).
 */
export async function collectJobGroups(job: ScrapeConfig, options: CollectOptions): Promise<RecordedGroups> {
  const providers = options.providers ?? builtinProviders;
  const registry = new Registry();
  const discoverers: Discoverer[] = [];
  job.sdConfigs.forEach((sd, i) => {
    const provider = providers.find((p) => p.name === sd.provider);
    if (provider === undefined) return;
    const logger = options.logger.child({ discovery: sd.provider, config: job.jobName, provider: `${sd.provider}/${i}` });
    try {
      discoverers.push(provider.createDiscoverer(sd.config, { logger, registry, jobNames: [job.jobName], fetch: globalThis.fetch, sleep }));
    } catch (error) {
      throw new DiscovererCreationError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  });
  const recorded = new Map<string, TargetGroup[]>();
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error("sd timeout")), Math.max(0, options.timeoutMs));
  const runs = discoverers.map((discoverer) => {
    let markInitial: () => void = () => {};
    const initial = new Promise<void>((resolve) => (markInitial = resolve));
    const done = (async () => {
      try {
        for await (const groups of discoverer.discover(stop.signal)) {
          for (const group of groups) {
            const versions = recorded.get(group.source);
            if (versions === undefined) recorded.set(group.source, [group]);
            else versions.push(group);
          }
          markInitial();
        }
      } catch (error) {
        options.logger.error({ err: error }, "Discoverer failed");
      } finally {
        markInitial();
      }
    })();
    return { initial, done };
  });
  const aborted = new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
  await Promise.race([Promise.all(runs.map((r) => r.initial)), aborted]);
  clearTimeout(timer);
  stop.abort(new Error("sd finished"));
  // Discoverers end when the signal aborts; give them a moment to release watchers and sockets.
  const grace = new AbortController();
  await Promise.race([Promise.all(runs.map((r) => r.done)), sleep(STOP_GRACE_MS, grace.signal)]);
  grace.abort();
  return recorded;
}

/** `Job <job> not found. Select one of:` plus one tab-indented line per job, as promtool prints it. */
export function jobNotFoundMessage(config: PrometheusConfig, jobName: string): string {
  return `Job ${jobName} not found. Select one of:\n${config.scrapeConfigs.map((j) => `\t${j.jobName}\n`).join("")}`;
}

/** promtool's argument check (kingpin `ExistingFile`): the texts it prints before loading anything. */
async function checkExistingFile(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).isDirectory()) return `${goSingleQuote(path)} is a directory`;
    return undefined;
  } catch {
    return `path ${goSingleQuote(path)} does not exist`;
  }
}

function goSingleQuote(text: string): string {
  return `'${text}'`;
}

/**
 * After promtool's `Cannot load config `, the message `promsd check config` prints: file, line, YAML path,
 * Prometheus's text and a hint (promtool prints `parsing YAML file <file>: <problem>`). Deliberately not
 * byte-identical on stderr: the JSON on stdout is what is diffed, the error is read by people.
 */
function loadErrorText(error: ConfigError): string {
  return error.problem.startsWith("open ") ? error.problem : error.message;
}

/** The whole `sd` command; resolves to the exit code. */
export async function runSdCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let timeoutMs: number;
  let profile: Profile;
  let positional: readonly string[];
  let isExplain: boolean;
  try {
    const args = parseArgs(argv, ["timeout", "profile"], ["explain"]);
    if (args.flags.has("help")) {
      io.stdout(SD_USAGE);
      return 0;
    }
    timeoutMs = parseGoDuration(args.values.get("timeout") ?? "30s");
    profile = parseProfile(args.values.get("profile") ?? "v3");
    isExplain = args.flags.has("explain");
    positional = args.positional;
    if (positional.length !== 2) throw new UsageError(positional.length < 2 ? "required argument(s) 'config-file', 'job' not provided" : `unexpected ${positional[2] ?? ""}`);
  } catch (error) {
    io.stderr(`promsd: error: ${error instanceof Error ? error.message : String(error)}, try --help\n`);
    return 1;
  }
  const [configFile = "", jobName = ""] = positional;
  const pathProblem = await checkExistingFile(configFile);
  if (pathProblem !== undefined) {
    io.stderr(`promsd: error: ${pathProblem}, try --help\n`);
    return 1;
  }
  let config: PrometheusConfig;
  try {
    config = await loadConfigFile(configFile, { profile });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`Cannot load config ${loadErrorText(error)}\n`);
    return 1;
  }
  const job = config.scrapeConfigs.find((j) => j.jobName === jobName);
  if (job === undefined) {
    io.stderr(jobNotFoundMessage(config, jobName));
    return 1;
  }
  const logger = io.logger ?? createLogger({ level: "info", format: "logfmt" });
  let recorded: RecordedGroups;
  try {
    recorded = await collectJobGroups(job, { timeoutMs, logger });
  } catch (error) {
    if (!(error instanceof DiscovererCreationError)) throw error;
    io.stderr(`Could not create new discoverer ${error.message}\n`);
    return 1;
  }
  const entries = promtoolEntries(recorded, job, profile);
  if (isExplain) io.stdout(`${formatExplain(entries, job, profile)}\n`);
  else for (const chunk of promtoolChunks(entries, profile)) io.stdout(chunk);
  return 0;
}
