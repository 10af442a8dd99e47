/**
 * What this promsd build is, for `promsd --version` (promtool's layout) and the `promsd_build_info` metric
 * that every Prometheus binary exposes as `<name>_build_info`. The version is package.json's; revision and
 * branch come from git when promsd runs from a clone (a published package has no .git: "unknown").
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly nodeVersion: string;
  readonly platform: string;
}

/** The package root: this file is src/build-info.ts or dist/build-info.js, one level below it. */
const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

let cached: BuildInfo | undefined;

function git(args: readonly string[]): string {
  if (!existsSync(`${PACKAGE_ROOT}.git`)) return "unknown";
  try {
    // Read once per process, with a short timeout, and never through a shell.
    return execFileSync("git", args, { cwd: PACKAGE_ROOT, timeout: 2000, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || "unknown";
  } catch {
    return "unknown";
  }
}

export function buildInfo(): BuildInfo {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, "utf8")) as { version?: unknown };
    cached = Object.freeze({
      version: typeof pkg.version === "string" ? pkg.version : "unknown",
      revision: git(["rev-parse", "HEAD"]),
      branch: git(["rev-parse", "--abbrev-ref", "HEAD"]),
      nodeVersion: process.version,
      platform: `${process.platform}/${process.arch}`,
    });
  }
  return cached;
}

/** `promtool --version`'s layout, with node's version where Go's would be. */
export function versionText(program: string, info: BuildInfo = buildInfo()): string {
  return (
    `${program}, version ${info.version} (branch: ${info.branch}, revision: ${info.revision})\n` +
    `  build user:       \n` +
    `  build date:       \n` +
    `  node version:     ${info.nodeVersion}\n` +
    `  platform:         ${info.platform}\n`
  );
}
