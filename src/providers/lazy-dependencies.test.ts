/**
 * Heavy client libraries (cloud SDKs, @kubernetes/client-node, …) load only when a config uses their
 * mechanism, so `promsd check config` and the CLI start as fast with 36 mechanisms as with one. This test
 * walks the static import graph from the CLI and the library entry points and fails when it reaches a
 * package outside the small set every run needs: a mechanism must load its SDK with `await import()` inside
 * its discoverer (see providers/refresh-discoverer.ts, `open`).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";

const SRC = resolve(dirname(new URL(import.meta.url).pathname), "..");
/** Packages every run may load at start-up, and why. */
const EAGER_PACKAGES = new Set([
  "yaml", // prometheus.yml parsing
  "re2js", // relabel regexes are compiled at load
  "prom-client", // every manager has a registry
  "pino", // logging
]);
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;

function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(STATIC_IMPORT)].map((m) => m[1] ?? "");
}

function packagesReachable(entry: string): Map<string, string> {
  return walkImports(entry).packages;
}

function walkImports(entry: string): { packages: Map<string, string>; files: Set<string> } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? "";
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier)) {
        const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : (specifier.split("/")[0] ?? "");
        if (!packages.has(name)) packages.set(name, file);
      }
    }
  }
  return { packages, files: seen };
}

for (const entry of ["cli/main.ts", "index.ts"]) {
  test(`lazy dependencies: only the always-needed packages are imported statically from ${entry}`, () => {
    const eager = [...packagesReachable(join(SRC, entry))].filter(([name]) => !EAGER_PACKAGES.has(name));
    assert.deepEqual(eager.map(([name, file]) => `${name} (imported by ${file.slice(SRC.length + 1)})`), []);
  });
}

/** The mechanisms of the first waves, whose discoverers load eagerly (marathon checks its token file then). */
const EAGER_DISCOVERERS = new Set(["static", "file", "dns", "zookeeper", "consul", "http", "kubernetes", "marathon"]);

test("lazy dependencies: the CLI loads no discoverer module of the newer mechanisms at start-up (providers/lazy-discoverer.ts)", () => {
  const { files } = walkImports(join(SRC, "cli/main.ts"));
  const eager = [...files]
    .map((file) => file.slice(SRC.length + 1))
    .filter((file) => /^providers\/[^/]+\/discoverer\.ts$/.test(file) && !EAGER_DISCOVERERS.has(file.split("/")[1] ?? ""));
  assert.deepEqual(eager, []);
});
