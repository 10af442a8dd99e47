/**
 * Serves the built web UI (`vite build ui` → dist/ui/) at `/` and `/assets/*`. Files are read on first use and
 * kept in memory (the whole UI is a few hundred kB). When the UI was not built, `/` shows the fallback page (or
 * explains how to build it).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { textResponse, type HttpRequest, type HttpResponse } from "../http/router.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/**
 * Where the built UI lives: dist/ui/ both when running from dist/outputs/ui/ (npm start) and from
 * src/outputs/ui/ (tsx, tests).
 */
export function defaultUiDir(): string {
  const candidates = [new URL("../../ui/", import.meta.url), new URL("../../../dist/ui/", import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((dir) => existsSync(join(dir, "index.html"))) ?? candidates[1] ?? "";
}

// A strict policy: the UI loads only its own files and talks only to its own origin (no CDNs, fonts,
// analytics), and no inline script can run even if markup were ever injected.
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

export class StaticAssets {
  readonly #dir: string;
  readonly #cache = new Map<string, Buffer>();

  readonly #fallbackPage: (() => HttpResponse) | undefined;

  constructor(dir: string, fallbackPage?: () => HttpResponse) {
    this.#dir = dir;
    this.#fallbackPage = fallbackPage;
  }

  /** `/` → index.html; `/assets/<file>` → that file; anything escaping the folder is a 404. */
  async handle(request: HttpRequest): Promise<HttpResponse> {
    const path = request.url.pathname === "/" ? "index.html" : normalize(decodeURIComponent(request.url.pathname)).replace(/^\/+/, "");
    if (path.startsWith("..") || !(path === "index.html" || path.startsWith("assets/"))) return textResponse("not found\n", 404);
    const bytes = await this.#read(path);
    if (!bytes) {
      if (path === "index.html" && this.#fallbackPage) return this.#fallbackPage();
      if (path === "index.html") return textResponse("The web UI is not built: run `npm run build:ui` (npm ci does it).\n", 503);
      return textResponse("not found\n", 404);
    }
    const type = CONTENT_TYPES[extname(path)] ?? "application/octet-stream";
    // Vite names assets by content hash, so they never change; index.html must be revalidated.
    const caching = path === "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
    return { status: 200, headers: { "content-type": type, "cache-control": caching, ...SECURITY_HEADERS }, body: "", bytes };
  }

  async #read(path: string): Promise<Buffer | undefined> {
    const cached = this.#cache.get(path);
    if (cached) return cached;
    try {
      const bytes = await readFile(join(this.#dir, path));
      // index.html is re-read each time so a rebuild (dev, tests) is picked up; hashed assets are cached.
      if (path !== "index.html") this.#cache.set(path, bytes);
      return bytes;
    } catch {
      return undefined;
    }
  }
}
