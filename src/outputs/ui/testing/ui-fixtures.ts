/**
 * The world of the UI's browser test (ui.integration.test.ts): a prometheus.yml with file_sd and http_sd jobs,
 * their target files, and helpers that read the debugger's tables.
 */
import { spawn } from "node:child_process";
import { rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const XSS = "<img src=x onerror=alert(1)>";

export const CONFIG = `
scrape_configs:
  - job_name: node
    file_sd_configs:
      - files: [targets/node.json]
        refresh_interval: 1s
    relabel_configs:
      - source_labels: [env]
        regex: staging
        action: drop
      - source_labels: [__address__]
        regex: "([^:]+):\\\\d+"
        target_label: host
      - source_labels: [__meta_filepath]
        target_label: from_file
      - regex: "team_(.+)"
        action: labelmap
        replacement: "owner_$1"
  - job_name: web
    file_sd_configs:
      - files: [targets/web.json]
        refresh_interval: 1s
    relabel_configs:
      - source_labels: [__address__]
        regex: "noaddr:.*"
        target_label: __address__
        replacement: ""
  - job_name: big
    file_sd_configs:
      - files: [targets/big.json]
        refresh_interval: 1s
  - job_name: broken
    file_sd_configs:
      - files: [targets/broken.json]
        refresh_interval: 1s
  - job_name: remote
    http_sd_configs:
      - url: http://127.0.0.1:9/sd
        refresh_interval: 1s
        basic_auth: {username: sd-user, password: hunter2}
`;

export function nodeTargets(extra: string[] = []): string {
  return JSON.stringify([
    { targets: ["10.0.0.1:9100", "10.0.0.2:9100", ...extra], labels: { env: "prod", team_db: "alice" } },
    { targets: ["10.0.0.3:9100"], labels: { env: "staging" } },
    { targets: ["10.0.0.4:9100"], labels: { env: "prod", note: XSS } },
  ]);
}

export const WEB_TARGETS = JSON.stringify([{ targets: ["web-0:8080", "web-1:8080", "noaddr:1"], labels: { tier: "frontend" } }]);
export const BIG_COUNT = 10_000;
export const BIG_TARGETS = JSON.stringify([
  { targets: Array.from({ length: BIG_COUNT }, (_, i) => `big-${i}.example:9100`), labels: { fleet: "big" } },
]);

export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`))));
  });
}

/** Replaces a file atomically, so the file provider never reads half of it. */
export async function replaceFile(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}


export async function finalLabels(page: Page): Promise<Record<string, string>> {
  return page.locator('[data-testid="final-labels"] tr').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute("data-label") ?? "", r.querySelector("td:last-child")?.textContent ?? ""])),
  );
}

/** What target building makes of the relabeled labels (oracle: `__meta_*` removed, `instance` defaults to `__address__`). */
export function targetLabels(relabeled: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(relabeled)) if (!name.startsWith("__meta_")) out[name] = value;
  out["instance"] ??= out["__address__"] ?? "";
  return out;
}
