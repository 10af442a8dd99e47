/**
 * The npm package as published: what `npm pack` would put in the tarball (from dist/ as `npm ci` / `npm run
 * build` made it). It must carry the LICENSE package.json names, no test helpers, fakes, harnesses or fixtures,
 * no source maps or imports pointing at files it does not contain, and work for both of its entry points.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "./testing/temp-dir.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

async function packedFiles(): Promise<string[]> {
  assert.ok(existsSync(join(ROOT, "dist/index.js")), "dist/ is missing: run `npm run build` (npm ci does) before this test");
  // --ignore-scripts: pack what is built instead of rebuilding (prepare) inside a test.
  const pack = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT);
  assert.equal(pack.code, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as { files: { path: string }[] }[];
  assert.ok(info);
  return info.files.map((f) => f.path);
}

const TEST_ONLY = /(^|\/)(testing|fixtures)\/|(^|\/)fake-[^/]*$|-harness\.|test-support\.|\.test\.|-probe\.|odd-targets-view\.|prometheus-process\./;

test("package: the tarball has the LICENSE and no test helpers, fakes or source maps", async () => {
  const files = await packedFiles();
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { license: string; bin: Record<string, string>; exports: Record<string, Record<string, string>> };
  assert.equal(pkg.license, "Apache-2.0");
  assert.ok(files.includes("LICENSE"), "LICENSE is packed");
  assert.match(await readFile(join(ROOT, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  assert.deepEqual(files.filter((f) => TEST_ONLY.test(f)), [], "test-only files in the tarball");
  assert.deepEqual(files.filter((f) => f.endsWith(".map")), [], "source maps whose sources are not in the tarball");
  for (const target of [...Object.values(pkg.bin), ...Object.values(pkg.exports["."] ?? {})]) {
    assert.ok(files.includes(normalize(target)), `${target} (bin/exports) is packed`);
  }
});

test("package: every relative import and sourceMappingURL in the packed JavaScript resolves inside the tarball", async () => {
  const files = await packedFiles();
  const packed = new Set(files);
  const missing: string[] = [];
  for (const file of files.filter((f) => /\.(js|cjs|mjs|d\.ts)$/.test(f))) {
    const text = await readFile(join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s*)["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1] ?? "");
    for (const m of text.matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)) specifiers.push(`./${m[1] ?? ""}`);
    for (const specifier of specifiers) {
      let target = normalize(join(dirname(file), specifier));
      // Declarations import "./x.js" for "./x.d.ts".
      if (file.endsWith(".d.ts")) target = target.replace(/\.js$/, ".d.ts");
      if (!packed.has(target)) missing.push(`${file} -> ${specifier}`);
    }
  }
  assert.deepEqual(missing, []);
});

test("package: import works, require() says promsd is ESM only, and the CLI runs from dist/", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "node_modules"));
  await symlink(ROOT, join(dir, "node_modules", "promsd"), "dir");
  const required = await run(process.execPath, ["-e", 'require("promsd")'], dir);
  assert.notEqual(required.code, 0);
  assert.match(required.stderr, /promsd is an ES module and cannot be require\(\)d\. Use `import \{ loadConfigFile \} from "promsd"`/);
  const imported = await run(process.execPath, ["--input-type=module", "-e", 'const p = await import("promsd"); console.log(typeof p.DiscoveryManager, p.hashmod("localhost:9090", 4), p.hashmod("localhost:9090", 4n))'], dir);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, "function 2 2n\n");
  await writeFile(join(dir, "prometheus.yml"), "scrape_configs:\n- job_name: node\n  static_configs: [{targets: ['a:1']}]\n");
  const check = await run(process.execPath, [join(ROOT, "dist/cli/main.js"), "check", "config", "prometheus.yml"], dir);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /SUCCESS/);
});
