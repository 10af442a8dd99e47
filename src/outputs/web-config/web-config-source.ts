/**
 * The web config file while promsd runs. exporter-toolkit re-reads it for every request (users, headers)
 * and every TLS handshake (certificates, TLS settings); promsd re-reads the file and every file it names
 * once a second, and applies a change to the next request and the next connection. What it keeps from the
 * start, as the toolkit does: whether the listener speaks TLS at all, HTTP/2, and the rate limiter.
 *
 * A file that becomes invalid is logged once with file and line and fails closed: requests get 500 and,
 * on a TLS listener, new handshakes are refused, until the file is valid again.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError } from "../../errors.js";
import { ConfigLocation } from "../../yaml/location.js";
import type { Logger } from "../../logging.js";
import type { Profile } from "../../profile.js";
import type { WebProtection } from "../http/exposure.js";
import { parseWebConfigText, type WebConfig } from "./config.js";
import { loadTlsSettings, type TlsServerSettings } from "./tls-options.js";

export interface LoadedWebConfig {
  readonly config: WebConfig;
  /** Undefined when the file configures no TLS. */
  readonly tls: TlsServerSettings | undefined;
  /** The file's text when read (with the TLS files' contents, what a reload compares). */
  readonly text: string;
}

/** Reads and checks the whole file, TLS files included; throws ConfigError (or the read error, wrapped). */
export async function loadWebConfigFile(file: string, profile: Profile = "v3"): Promise<LoadedWebConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(ConfigLocation.root(file), error instanceof Error ? error.message : String(error), "check --web.config.file", { cause: error });
  }
  const config = parseWebConfigText(text, file, dirname(file), profile);
  const tls = config.tls.isEnabled ? await loadTlsSettings(config.tls) : undefined;
  return { config, tls, text };
}

export interface WebConfigSourceOptions {
  readonly logger: Logger;
  /** Which exporter-toolkit to read the file as (see parseWebConfigText); default v3. */
  readonly profile?: Profile;
  /** How often the files are re-read; default 1 s. */
  readonly recheckMs?: number;
}

export class WebConfigSource {
  readonly file: string;
  /** Whether the listener speaks TLS: fixed at start, as in exporter-toolkit. */
  readonly servesTls: boolean;
  readonly #logger: Logger;
  readonly #recheckMs: number;
  readonly #profile: Profile | undefined;
  readonly #tlsListeners = new Set<(settings: TlsServerSettings | undefined) => void>();
  #current: LoadedWebConfig | undefined;
  #fingerprint: string;
  #lastError = "";
  #timer: NodeJS.Timeout | undefined;
  /** Checks run one after another; a check asked for during one reads the files again afterwards. */
  #checks: Promise<void> = Promise.resolve();
  #pendingChecks = 0;

  private constructor(file: string, loaded: LoadedWebConfig, fingerprint: string, options: WebConfigSourceOptions) {
    this.file = file;
    this.servesTls = loaded.tls !== undefined;
    this.#current = loaded;
    this.#fingerprint = fingerprint;
    this.#logger = options.logger;
    this.#recheckMs = options.recheckMs ?? 1000;
    this.#profile = options.profile;
  }

  /** Loads the file for the start of the daemon: any problem throws, so promsd exits and says why. */
  static async open(file: string, options: WebConfigSourceOptions): Promise<WebConfigSource> {
    const loaded = await loadWebConfigFile(file, options.profile);
    return new WebConfigSource(file, loaded, fingerprintOf(loaded), options);
  }

  /** The config to apply to the next request; undefined while the file is invalid (fail closed). */
  get current(): LoadedWebConfig | undefined {
    return this.#current;
  }

  /**
   * For the daemon's exposure warning (src/outputs/http/exposure.ts): whether the config as loaded at start
   * authenticates clients, by basic-auth users or verified client certificates. TLS alone does not.
   */
  get protection(): WebProtection {
    const config = this.#current?.config;
    return { requiresAuthentication: config !== undefined && (config.users.size > 0 || config.tls.clientAuthType === "RequireAndVerifyClientCert") };
  }

  /** The TLS settings for new connections; undefined: refuse them. Only meaningful when `servesTls`. */
  get tls(): TlsServerSettings | undefined {
    return this.#current?.tls;
  }

  /** Calls `listener` whenever the TLS settings for new connections change. */
  onTlsChange(listener: (settings: TlsServerSettings | undefined) => void): void {
    this.#tlsListeners.add(listener);
  }

  /** Starts re-reading the files until `stop()`. */
  start(): void {
    this.#timer ??= setInterval(() => {
      if (this.#pendingChecks === 0) void this.recheck();
    }, this.#recheckMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Re-reads the files now (the timer calls this); resolves when done. Never rejects. */
  recheck(): Promise<void> {
    this.#pendingChecks++;
    this.#checks = this.#checks.then(() => this.#recheckOnce()).catch((error: unknown) => this.#fail(error)).finally(() => this.#pendingChecks--);
    return this.#checks;
  }

  async #recheckOnce(): Promise<void> {
    let loaded: LoadedWebConfig;
    try {
      loaded = await loadWebConfigFile(this.file, this.#profile);
      if (this.servesTls && !loaded.tls) throw new ConfigError(ConfigLocation.root(this.file), "TLS config is not present", "promsd was started with TLS; restore tls_server_config or restart promsd");
    } catch (error) {
      this.#fail(error);
      return;
    }
    const fingerprint = fingerprintOf(loaded);
    if (fingerprint === this.#fingerprint && this.#current) return;
    const wasFailing = this.#current === undefined;
    this.#fingerprint = fingerprint;
    this.#current = loaded;
    this.#lastError = "";
    if (!this.servesTls && loaded.tls) this.#logger.warn({ file: this.file }, "The web config now configures TLS, but promsd started without it: restart promsd to serve HTTPS");
    this.#logger.info({ file: this.file, users: loaded.config.users.size, tls: loaded.tls !== undefined, recovered: wasFailing }, "Web config file reloaded");
    this.#notifyTls();
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const wasServing = this.#current !== undefined;
    this.#current = undefined;
    this.#fingerprint = "";
    if (message !== this.#lastError) {
      this.#lastError = message;
      this.#logger.error({ file: this.file, err: message }, "Unable to parse web config file; refusing requests until it is valid again");
    }
    if (wasServing) this.#notifyTls();
  }

  #notifyTls(): void {
    for (const listener of this.#tlsListeners) listener(this.tls);
  }
}

function fingerprintOf(loaded: LoadedWebConfig): string {
  return JSON.stringify([loaded.text, ...(loaded.tls?.fileContents ?? [])]);
}

