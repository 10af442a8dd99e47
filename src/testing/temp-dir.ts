/**
 * Temporary directories for tests, removed again when the test ends (`t.after`), so no test leaves files
 * behind in /tmp even when it fails.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The part of node:test's TestContext these helpers need (so they also work from `describe` hooks). */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

/** Creates a fresh directory under the OS temp dir; the caller must call `remove()` (idempotent). */
export async function createTempDir(prefix = "promsd-test-"): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Creates a fresh temp directory that is deleted when the test (or suite) `t` ends.
 * @example const dir = await tempDir(t); await writeFiles(dir, { "prometheus.yml": "scrape_configs: []\n" });
 */
export async function tempDir(t: CleanupScope, prefix = "promsd-test-"): Promise<string> {
  const dir = await createTempDir(prefix);
  t.after(() => dir.remove());
  return dir.path;
}

/** Writes each `relative path → content` under `dir`, creating sub-folders as needed. */
export async function writeFiles(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}
