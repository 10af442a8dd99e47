/**
 * Basic authentication as exporter-toolkit's webHandler does it (web/handler.go, web/cache.go), with its
 * CVE-2022-46146 lesson applied: the cache key is a hash of length-prefixed parts, so no user name, hash and
 * password can be glued into another one's key.
 *
 * - Unknown users are checked against a hash of the same cost as the known ones, then refused.
 * - bcrypt runs one at a time (the toolkit's bcryptMtx) in a worker thread (./bcrypt-worker.ts): other
 *   requests are served while a login is checked.
 * - Concurrent checks of the same credentials share one bcrypt; results (good and bad) are cached in a
 *   small bounded LRU, so a consumer polling every few seconds pays bcrypt once.
 */
import { createHash } from "node:crypto";
import type { Secret } from "../../config/secret.js";

export type BcryptCompare = (password: string, hash: string) => Promise<boolean>;

export interface BasicAuthOptions {
  /** Default: exporter-toolkit's 100 entries. */
  readonly cacheSize?: number;
  /** Default: bcryptjs in a worker thread, started on first use. */
  readonly compare?: BcryptCompare;
}

export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

/** Go's Request.BasicAuth: `Basic <base64(user:password)>`, scheme case-insensitive, strict base64. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== "basic ") return undefined;
  const encoded = header.slice(6);
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("latin1");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // Go compares bytes; latin1 keeps one char per byte, and UTF-8 names are compared re-encoded below.
  return { user: Buffer.from(decoded.slice(0, colon), "latin1").toString("utf8"), password: decoded.slice(colon + 1) };
}

export class BasicAuthVerifier {
  readonly #cacheSize: number;
  readonly #cache = new Map<string, boolean>();
  readonly #inFlight = new Map<string, Promise<boolean>>();
  #compare: Promise<BcryptCompare> | undefined;
  /** bcrypt comparisons actually run (not answered from the cache); for tests and the benchmark. */
  bcryptRuns = 0;

  constructor(options: BasicAuthOptions = {}) {
    this.#cacheSize = options.cacheSize ?? 100;
    this.#compare = options.compare ? Promise.resolve(options.compare) : undefined;
  }

  /** True when `credentials` name a configured user with the right password. */
  async verify(users: ReadonlyMap<string, Secret>, unknownUserHash: string, credentials: BasicCredentials): Promise<boolean> {
    const known = users.get(credentials.user);
    const hash = known?.reveal() ?? unknownUserHash;
    // The password is latin1 (one char per byte); bcrypt sees the same bytes Go's bcrypt would.
    const key = cacheKey(credentials.user, hash, credentials.password);
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, cached); // most recently used last
      return cached && known !== undefined;
    }
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#check(credentials.password, hash).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const matches = await pending;
    this.#remember(key, matches);
    return matches && known !== undefined;
  }

  async #check(password: string, hash: string): Promise<boolean> {
    const compare = await (this.#compare ??= loadBcryptCompare());
    this.bcryptRuns++;
    // bcryptjs encodes the JS string as UTF-8; the latin1 round trip hands it the bytes the client sent.
    return compare(Buffer.from(password, "latin1").toString("utf8"), hash).catch(() => false);
  }

  #remember(key: string, matches: boolean): void {
    this.#cache.delete(key);
    this.#cache.set(key, matches);
    while (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }
}

/** sha256 over each part's byte length and bytes: unambiguous, and no plaintext password kept as a key. */
function cacheKey(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    const bytes = Buffer.from(part, "latin1");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest("base64");
}

async function loadBcryptCompare(): Promise<BcryptCompare> {
  const { startBcryptWorker } = await import("./bcrypt-worker.js");
  return startBcryptWorker();
}
