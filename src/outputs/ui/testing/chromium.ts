/**
 * Headless Chromium for the UI's browser tests: Debian's /usr/bin/chromium (installed by
 * scripts/ensure-system-packages.sh) driven by playwright-core; never a downloaded browser. Each launch gets a
 * fresh profile directory, removed with the scope.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createTempDir, type CleanupScope } from "../../../testing/temp-dir.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium with a fresh --user-data-dir; closed with the scope. */
export async function launchChromium(scope: CleanupScope): Promise<BrowserContext> {
  const dir = await createTempDir("promsd-chromium-");
  const profileDir = join(dir.path, "profile");
  await mkdir(profileDir);
  // launchPersistentContext is how playwright passes --user-data-dir.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  // One hook, so the profile is removed only after the browser has exited.
  scope.after(async () => {
    await context.close();
    await dir.remove();
  });
  return context;
}

export const SCREENSHOT_DIR = new URL("../../../../test-output/screenshots/", import.meta.url).pathname;

/** Writes test-output/screenshots/<name>.png for review. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage ?? false });
}
