/**
 * `promsd check config <file>…`, shaped like `promtool check config` (spec core.md 5.8): for each file
 * `Checking <file>` on stdout, then ` SUCCESS: <file> is valid prometheus config file syntax` (stdout) or
 * `  FAILED: <message>` (stderr), then an empty line; exit code 1 when any file failed. Where promtool prints
 * `parsing YAML file <file>: <problem>`, promsd prints its own message, which adds line, YAML path and a hint
 * around the same Prometheus text. Warnings (e.g. mechanisms promsd does not implement) go to stdout.
 *
 * After loading, promtool checks a little more than Prometheus does, and so do we (`checkLoadedConfig`):
 * credential and TLS files must exist, a client cert needs its key, and every static target must survive
 * target building (`instance <i> in group <source>: <reason>`), and so must every target in the file_sd files
 * the patterns match now (`checking SD file "<pattern>": <decode error>`; a pattern matching nothing is a
 * WARNING). promtool's rule-file checks are not reproduced: promsd reads no rules.
 */
import { readFile, stat } from "node:fs/promises";
import type { TlsConfig } from "../config/http-client.js";
import { loadConfigFile } from "../config/prometheus-config.js";
import type { PrometheusConfig, ScrapeConfig } from "../config/types.js";
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { ADDRESS_LABEL } from "../model/labels.js";
import type { Profile } from "../profile.js";
import type { FileSdConfig } from "../providers/file/config.js";
import { decodeFile, goErrno } from "../providers/file/file-reader.js";
import { goGlob } from "../providers/file/glob.js";
import type { StaticConfig } from "../providers/static/config.js";
import { buildTarget, failureMessage } from "../targets/build.js";
import type { TargetGroup } from "../model/target-group.js";

/** A problem promtool reports without file context (`checking SD file …`); printed as it is. */
class CheckError extends Error {
  override readonly name = "CheckError";
}

export interface CheckConfigIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface CheckConfigOptions {
  readonly profile: Profile;
}

/** Checks every file in order; resolves to the exit code (0 all valid, 1 otherwise). */
export async function runCheckConfig(files: readonly string[], io: CheckConfigIo, options: CheckConfigOptions): Promise<number> {
  let exitCode = 0;
  for (const file of files) {
    io.stdout(`Checking ${file}\n`);
    try {
      const config = await loadConfigFile(file, { profile: options.profile });
      await checkLoadedConfig(config, (warning) => io.stdout(`  WARNING: ${warning}\n`));
      for (const warning of config.warnings) io.stdout(`  WARNING: ${warning.at.describe()}: ${warning.message}\n`);
      io.stdout(` SUCCESS: ${file} is valid prometheus config file syntax\n`);
    } catch (error) {
      if (!(error instanceof ConfigError) && !(error instanceof CheckError)) throw error;
      io.stderr(`  FAILED: ${error.message}\n`);
      exitCode = 1;
    }
    io.stdout("\n");
  }
  return exitCode;
}

/** promtool's checks after loading, in its order, per job; throws the first problem (ConfigError or CheckError). */
export async function checkLoadedConfig(config: PrometheusConfig, warn: (text: string) => void = () => {}): Promise<void> {
  for (const job of config.scrapeConfigs) {
    const fail = (problem: string, hint: string): never => {
      throw new ConfigError(job.at, problem, hint);
    };
    const credentialsFile = job.httpClient?.authorization?.credentialsFile ?? "";
    const missing = await statError(credentialsFile);
    if (missing) fail(`error checking authorization credentials or bearer token file ${goQuote(credentialsFile)}: ${missing}`, "create the file or fix the path");
    if (job.httpClient) await checkTlsFiles(job.httpClient.tlsConfig, fail);
    // In the order of the job's SD configs, as promtool walks them.
    for (const sd of job.sdConfigs) {
      if (sd.provider === "static") checkTargets(job, (sd.config as StaticConfig).groups, config.profile, fail);
      if (sd.provider === "file") await checkFileSdFiles(job, sd.config as FileSdConfig, config.profile, warn);
    }
  }
}

/**
 * promtool's file_sd check: every file each pattern matches now is decoded as the file discoverer would, and
 * its targets must survive target building. Its groups carry no source and no `__meta_filepath` (promtool
 * decodes them bare), so a failure reads `instance 0 in group : no address`, as promtool's does.
 */
async function checkFileSdFiles(job: ScrapeConfig, config: FileSdConfig, profile: Profile, warn: (text: string) => void): Promise<void> {
  for (const pattern of config.files) {
    const paths = await goGlob(pattern);
    if (paths.length === 0) warn(`file ${goQuote(pattern)} for file_sd in scrape job ${goQuote(job.jobName)} does not exist`);
    for (const path of paths) {
      let groups: TargetGroup[];
      try {
        let bytes: Buffer;
        try {
          bytes = await readFile(path);
        } catch (error) {
          throw new Error(`open ${path}: ${goErrno(error)}`);
        }
        groups = decodeFile(path, bytes, config.scheme).map((g) => ({ source: "", labels: g.labels, targets: g.targets.map((address) => ({ [ADDRESS_LABEL]: address })) }));
      } catch (error) {
        throw new CheckError(`checking SD file ${goQuote(pattern)}: ${error instanceof Error ? error.message : String(error)}`);
      }
      checkTargets(job, groups, profile, (problem) => {
        throw new CheckError(problem);
      });
    }
  }
}

async function checkTlsFiles(tls: TlsConfig, fail: (problem: string, hint: string) => never): Promise<void> {
  if (tls.certFile !== "" && tls.keyFile === "") fail(`client cert file ${goQuote(tls.certFile)} specified without client key file`, "add key_file");
  if (tls.keyFile !== "" && tls.certFile === "") fail(`client key file ${goQuote(tls.keyFile)} specified without client cert file`, "add cert_file");
  for (const [what, path] of [["client cert", tls.certFile], ["client key", tls.keyFile]] as const) {
    const missing = await statError(path);
    if (missing) fail(`error checking ${what} file ${goQuote(path)}: ${missing}`, "create the file or fix the path");
  }
}

function checkTargets(job: ScrapeConfig, groups: readonly TargetGroup[], profile: Profile, fail: (problem: string, hint: string) => never): void {
  for (const group of groups) {
    group.targets.forEach((target, index) => {
      const built = buildTarget(target, group.labels, job, profile, { source: group.source, index });
      if (built.kind === "failed") fail(failureMessage(built.target), "fix the target or the relabel rules that produce its address");
    });
  }
}

/** Go's os.Stat error text (`stat <path>: no such file or directory`), or undefined when the file exists. */
async function statError(path: string): Promise<string | undefined> {
  if (path === "") return undefined;
  try {
    await stat(path);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file or directory" : code === "EACCES" ? "permission denied" : code === "ENOTDIR" ? "not a directory" : String(code);
    return `stat ${path}: ${reason}`;
  }
}
