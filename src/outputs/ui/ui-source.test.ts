/**
 * Guards over the front-end source in ui/ (built by Vite, so the Node type check does not see it): it
 * type-checks under its own strict tsconfig, never writes markup from strings, and names no outside URL.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const UI_DIR = join(REPO_ROOT, "ui");

async function uiSources(): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(UI_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(tsx?|html|css)$/.test(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, text: await readFile(path, "utf8") });
  }
  return out;
}

// Label values come from untrusted sources (pod annotations, files): only text rendering is allowed.
const FORBIDDEN: { name: string; pattern: RegExp }[] = [
  { name: "never sets innerHTML / outerHTML", pattern: /\b(inner|outer)HTML\b/ },
  { name: "never uses dangerouslySetInnerHTML", pattern: /dangerouslySetInnerHTML/ },
  { name: "never uses insertAdjacentHTML", pattern: /insertAdjacentHTML/ },
  { name: "never calls document.write", pattern: /document\.write/ },
  { name: "never evaluates strings (eval, new Function)", pattern: /\beval\(|new Function\(/ },
  { name: "names no outside URL (CDN, font, analytics)", pattern: /(?:https?:)?\/\/(?!\/)[a-z0-9.-]+\.[a-z]{2,}\//i },
];

for (const rule of FORBIDDEN) {
  test(`ui source: ${rule.name}`, async () => {
    const offenders = (await uiSources()).filter((f) => rule.pattern.test(f.text)).map((f) => f.path);
    assert.deepEqual(offenders, []);
  });
}

test("ui source: type-checks with ui/tsconfig.json (strict, DOM)", async () => {
  const tsc = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, "-p", join(UI_DIR, "tsconfig.json")], { cwd: REPO_ROOT });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve({ code: exitCode, output }));
  });
  assert.equal(code, 0, output);
});
