/**
 * `promsd run`: discovers once and serves the results to many consumers (issue 3). Wiring only: config
 * loading, the discovery manager, the scrape side (target building on its own ticker), and the outputs
 * (http_sd, targets API, metrics, file_sd), which only see a TargetsView (STYLE 2.6).
 *
 * Reload (SIGHUP, `POST /-/reload`): a broken config keeps the running config and providers, is logged with
 * file and line, rejects the reload and sets `promsd_config_last_reload_successful 0`. A good one is applied
 * to the scrape side first, then to the manager, which keeps providers whose config is unchanged running.
 */
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";
import { collectDefaultMetrics, Registry } from "prom-client";
import { loadConfigFile, parseConfigText } from "../config/prometheus-config.js";
import type { PrometheusConfig } from "../config/types.js";
import type { Logger } from "../logging.js";
import { DiscoveryManager } from "../manager/manager.js";
import type { TargetGroup } from "../model/target-group.js";
import { builtinProviders } from "../providers/index.js";
import { sleep } from "../providers/polling.js";
import type { ProviderDefinition } from "../providers/provider.js";
import type { TargetsView } from "../targets/types.js";
import { FileSdWriter } from "../outputs/file-sd/file-sd-writer.js";
import { exposureWarning } from "../outputs/http/exposure.js";
import { HttpServer, parseListenAddress, type RequestHandler } from "../outputs/http/server.js";
import { WebConfigSource } from "../outputs/web-config/web-config-source.js";
import { WebGuard } from "../outputs/web-config/web-guard.js";
import type { Router } from "../outputs/http/router.js";
import { createDaemonMetrics, type DaemonMetrics } from "../outputs/metrics/daemon-metrics.js";
import { createWebRouter } from "../outputs/web.js";
import { DEFAULT_CONFIG_FILE_NAME, defaultConfigText } from "./default-config.js";
import type { DaemonFlags } from "./flags.js";
import { renderConfigYaml, renderYamlAt } from "../config/render.js";
import { canonicalConfigKey } from "../manager/config-key.js";
import type { ProviderStatus } from "../manager/manager.js";
import { TargetSync } from "../targets/target-sync.js";
import { createMembership } from "../allocation/membership.js";

export interface DaemonOptions {
  readonly flags: DaemonFlags;
  readonly logger: Logger;
  /** Default: the built-in providers. */
  readonly providers?: readonly ProviderDefinition<unknown>[];
  readonly fetch?: typeof globalThis.fetch;
  /** Called when `POST /-/quit` asks the process to stop (runDaemon exits). Default: close(). */
  readonly onQuit?: () => void;
  /** The built web UI; default dist/ui/. */
  readonly uiDir?: string;
  /** How long `/-/ready` waits for every provider's initial set (the manager's initialTimeoutMs; default 30 s). */
  readonly initialTimeoutMs?: number;
}

/** Margin after both throttles before declaring readiness (timer and event-loop delays). */
const READY_SLACK_MS = 100;

export class Daemon {
  readonly #options: DaemonOptions;
  readonly #stop = new AbortController();
  readonly registry = new Registry();
  readonly #metrics: DaemonMetrics;
  #config: PrometheusConfig | undefined;
  #manager: DiscoveryManager | undefined;
  #targetSync: TargetSync | undefined;
  #server: HttpServer | undefined;
  #router: Router | undefined;
  #webConfig: WebConfigSource | undefined;
  #fileSd: FileSdWriter | undefined;
  #snapshot: ReadonlyMap<string, readonly TargetGroup[]> = new Map();
  #isReady = false;
  #started: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #reloading: Promise<void> = Promise.resolve();

  /** Never starts I/O; call start(). */
  constructor(options: DaemonOptions) {
    this.#options = options;
    collectDefaultMetrics({ register: this.registry });
    this.#metrics = createDaemonMetrics(this.registry);
  }

  /** Loads the config, starts discovery and the outputs, listens. Idempotent; rejects on a bad config. */
  start(): Promise<void> {
    return (this.#started ??= this.#startUp());
  }

  /** Stops everything; idempotent, later callers await the first. */
  close(): Promise<void> {
    return (this.#closed ??= this.#shutDown());
  }

  /** Reloads the config file; rejects (and keeps the running config) when the new one is broken. */
  reload(): Promise<void> {
    const next = this.#reloading.then(() => this.#reloadOnce());
    this.#reloading = next.catch(() => {});
    return next;
  }

  /** `http://host:port` of the listening socket. */
  get url(): string {
    if (!this.#server) throw new Error("daemon not started");
    return this.#server.url;
  }

  /** The current targets of every job (what every output serves). */
  get targets(): TargetsView {
    if (!this.#targetSync) throw new Error("daemon not started");
    return this.#targetSync;
  }

  get config(): PrometheusConfig | undefined {
    return this.#config;
  }

  /** The in-process HTTP surface (same handlers as the socket), for tests and embedding. */
  get router(): Router {
    if (!this.#router) throw new Error("daemon not started");
    return this.#router;
  }

  get manager(): DiscoveryManager {
    if (!this.#manager) throw new Error("daemon not started");
    return this.#manager;
  }

  async #startUp(): Promise<void> {
    const { flags, logger } = this.#options;
    const config = await this.#loadConfig();
    this.#config = config;
    // A bad web config stops the start, before any port is bound (exporter-toolkit validates first too).
    if (flags.webConfigFile !== undefined) this.#webConfig = await WebConfigSource.open(flags.webConfigFile, { logger: logger.child({ component: "web-config" }), profile: flags.profile });
    const targetSync = this.#startDiscovery(config);
    if (flags.fileSdDir !== undefined) {
      this.#fileSd = new FileSdWriter({ dir: flags.fileSdDir, targets: targetSync, logger: logger.child({ component: "file_sd" }), metrics: this.#metrics });
      await this.#fileSd.start(this.#stop.signal);
    }
    this.#router = this.#createRouter();
    this.#server = await this.#listen(this.#router);
    this.#metrics.lastReloadSuccessful.set(1);
    this.#metrics.lastReloadSuccessTimestamp.set(Date.now() / 1000);
    logger.info({ address: this.#server.url, config: config.file, jobs: config.scrapeConfigs.length, profile: flags.profile }, "promsd is listening");
    const exposure = exposureWarning(parseListenAddress(flags.listenAddress).host, this.#webConfig?.protection);
    if (exposure !== undefined) logger.warn({ address: flags.listenAddress }, exposure);
  }

  /** Serves `router` behind the web config's TLS, rate limit and basic auth when one is given. */
  async #listen(router: Router): Promise<HttpServer> {
    const address = parseListenAddress(this.#options.flags.listenAddress);
    const webConfig = this.#webConfig;
    if (!webConfig) return HttpServer.listen(router, address);
    const handler: RequestHandler = new WebGuard(router, webConfig);
    const server = await HttpServer.listen(handler, address, webConfig.servesTls ? { tls: webConfig } : {});
    webConfig.start();
    const { config } = webConfig.current ?? {};
    this.#options.logger.info({ file: webConfig.file, tls: webConfig.servesTls, users: config?.users.size ?? 0, rateLimit: (config?.rateLimit.intervalMs ?? 0) !== 0 }, "Web config loaded");
    return server;
  }

  /** Creates the manager and the scrape side (TargetSync) and applies the first config. */
  #startDiscovery(config: PrometheusConfig): TargetSync {
    const { flags, logger } = this.#options;
    const signal = this.#stop.signal;
    const manager = new DiscoveryManager({
      providers: this.#options.providers ?? builtinProviders,
      logger,
      registry: this.registry,
      updateIntervalMs: flags.discoveryUpdateIntervalMs,
      profile: flags.profile,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(this.#options.initialTimeoutMs === undefined ? {} : { initialTimeoutMs: this.#options.initialTimeoutMs }),
    });
    this.#manager = manager;
    // The discovered http_sd view serves the latest snapshot as is; TargetSync builds targets from it.
    manager.subscribe((snapshot) => (this.#snapshot = snapshot), signal);
    const targetSync = new TargetSync({
      source: manager,
      scrapeConfigs: config.scrapeConfigs,
      profile: flags.profile,
      reloadIntervalMs: flags.discoveryReloadIntervalMs,
      registry: this.registry,
      signal,
      logger,
    });
    this.#targetSync = targetSync;
    targetSync.subscribe((changed) => this.#countTargets(changed), signal);
    manager.applyConfig(jobsOf(config));
    void this.#becomeReady(manager).catch((error: unknown) => logger.error({ err: error }, "Readiness check failed"));
    return targetSync;
  }

  /**
   * Ready (`/-/ready`) once every provider delivered its initial set and that snapshot has passed both
   * throttles (discovery send, then the scrape-side tick), or the initial-set timeout passed. Each job's
   * outputs do not depend on this: a job answers 503 until its own providers delivered (TargetsView.delivery).
   */
  async #becomeReady(manager: DiscoveryManager): Promise<void> {
    const { flags, logger } = this.#options;
    await manager.ready;
    const throttlesMs = flags.discoveryUpdateIntervalMs + flags.discoveryReloadIntervalMs + READY_SLACK_MS;
    if (!(await sleep(throttlesMs, this.#stop.signal))) return;
    this.#isReady = true;
    logger.info({}, "Discovery ready: every provider delivered its initial targets (or timed out) and they are built");
  }

  #createRouter(): Router {
    const { flags, logger } = this.#options;
    const targets = this.targets;
    const membership = flags.allocationConsumers && createMembership(flags.allocationConsumers, { timeoutMs: flags.allocationConsumerTimeoutMs });
    return createWebRouter({
      targets,
      profile: flags.profile,
      ...(membership ? { allocation: { membership } } : {}),
      discoveredGroups: (job): readonly TargetGroup[] | undefined => this.#snapshot.get(job),
      relabelRules: (job) => this.#config?.scrapeConfigs.find((c) => c.jobName === job)?.relabelConfigs,
      renderConfig: () => (this.#config ? renderConfigYaml(this.#config) : ""),
      isReady: () => this.#isReady,
      waitingProviders: () => (this.#manager?.providerStatuses() ?? []).filter((p) => p.isWaiting),
      globalUrl: () => {
        const port = this.#server?.address.port ?? parseListenAddress(flags.listenAddress).port;
        const scheme = this.#webConfig?.servesTls ? "https" : "http";
        return { externalUrl: new URL(flags.externalUrl ?? `${scheme}://${hostname()}:${port}/`), listenPort: port };
      },
      registry: this.registry,
      metrics: this.#metrics,
      lifecycle: {
        isEnabled: flags.enableLifecycle,
        reload: () => this.reload(),
        quit: () => (this.#options.onQuit ?? (() => void this.close()))(),
      },
      logger: logger.child({ component: "web" }),
      ui: {
        providerStatuses: () => this.#manager?.providerStatuses() ?? [],
        providerConfigYaml: (provider) => (this.#config ? providerConfigYaml(this.#config, provider) : undefined),
        ...(this.#options.uiDir === undefined ? {} : { uiDir: this.#options.uiDir }),
      },
    });
  }

  /** Loads --config.file (or the embedded default) and logs its warnings; throws ConfigError. */
  async #loadConfig(): Promise<PrometheusConfig> {
    const { flags, logger } = this.#options;
    let config: PrometheusConfig;
    if (flags.configFile !== undefined) {
      config = await loadConfigFile(flags.configFile, { profile: flags.profile });
    } else {
      logger.info({}, "No --config.file given: using the embedded default config (promsd itself, plus file_sd over ./targets/)");
      // Create the folder the default config watches, so files dropped there are seen at once.
      await mkdir("targets", { recursive: true });
      config = parseConfigText(defaultConfigText(flags.listenAddress), DEFAULT_CONFIG_FILE_NAME, { profile: flags.profile });
    }
    for (const warning of config.warnings) {
      logger.warn({ at: warning.at.describe(), ...(warning.jobName === undefined ? {} : { job: warning.jobName }) }, warning.message);
    }
    return config;
  }

  async #reloadOnce(): Promise<void> {
    const { logger } = this.#options;
    if (!this.#started || this.#closed) throw new Error("daemon is not running");
    await this.#started;
    let config: PrometheusConfig;
    try {
      config = await this.#loadConfig();
    } catch (error) {
      this.#metrics.reloads.inc({ result: "failure" });
      this.#metrics.lastReloadSuccessful.set(0);
      logger.error({ file: this.#options.flags.configFile ?? DEFAULT_CONFIG_FILE_NAME, err: error }, "Error reloading config; keeping the running config");
      throw error;
    }
    this.#config = config;
    this.#targetSync?.applyConfig(config.scrapeConfigs);
    this.#manager?.applyConfig(jobsOf(config));
    this.#metrics.reloads.inc({ result: "success" });
    this.#metrics.lastReloadSuccessful.set(1);
    this.#metrics.lastReloadSuccessTimestamp.set(Date.now() / 1000);
    logger.info({ file: config.file, jobs: config.scrapeConfigs.length }, "Completed loading of configuration file");
  }

  #countTargets(changed: readonly string[]): void {
    const targetSync = this.#targetSync;
    if (!targetSync) return;
    for (const name of changed) {
      const job = targetSync.job(name);
      for (const [state, count] of [["active", job?.active.length], ["dropped", job?.droppedCount], ["failed", job?.failed.length]] as const) {
        if (job) this.#metrics.targets.set({ job: name, state }, count ?? 0);
        else this.#metrics.targets.remove({ job: name, state });
      }
    }
  }

  async #shutDown(): Promise<void> {
    this.#stop.abort(new Error("daemon closing"));
    await this.#started?.catch(() => {});
    this.#webConfig?.stop();
    await Promise.allSettled([this.#server?.close(), this.#manager?.close(), this.#fileSd?.flush()]);
    this.#options.logger.info({}, "promsd stopped");
  }
}

/** The provider's SD config as written in its first job (the config block whose parsed form equals it). */
function providerConfigYaml(config: PrometheusConfig, provider: ProviderStatus): string | undefined {
  const key = canonicalConfigKey(provider.config);
  const job = config.scrapeConfigs.find((j) => j.jobName === provider.jobs[0]);
  const sd = job?.sdConfigs.find((s) => s.provider === provider.mechanism && canonicalConfigKey(s.config) === key);
  return sd === undefined ? undefined : renderYamlAt(config, sd.at.path);
}

function jobsOf(config: PrometheusConfig): { jobName: string; sdConfigs: PrometheusConfig["scrapeConfigs"][number]["sdConfigs"] }[] {
  return config.scrapeConfigs.map((job) => ({ jobName: job.jobName, sdConfigs: job.sdConfigs }));
}
