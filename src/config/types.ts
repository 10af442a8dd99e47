/**
 * The loaded prometheus.yml, as promsd uses it (spec core.md 5). Parsed by ./prometheus-config.ts; every
 * field has its default filled in. Fields promsd does not act on are validated and kept only for display.
 */
import type { LabelSet, NameValidationScheme } from "../model/labels.js";
import type { Profile } from "../profile.js";
import type { SdConfig } from "../providers/provider.js";
import type { CompiledRule } from "../relabel/types.js";
import type { HttpClientConfig } from "./http-client.js";
import type { ConfigLocation } from "../yaml/location.js";
import type { YamlNode } from "../yaml/yaml-node.js";

export interface GlobalConfig {
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: NameValidationScheme;
  readonly externalLabels: LabelSet;
  readonly scrapeNativeHistograms: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly convertClassicHistogramsToNhcb: boolean;
}

export interface ScrapeConfig {
  readonly jobName: string;
  readonly at: ConfigLocation;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly scheme: string;
  readonly metricsPath: string;
  /** URL params in file order; each key keeps all its values (only the first becomes `__param_<key>`). */
  readonly params: ReadonlyMap<string, readonly string[]>;
  readonly honorLabels: boolean;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: NameValidationScheme;
  readonly scrapeNativeHistograms: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly convertClassicHistogramsToNhcb: boolean;
  readonly relabelConfigs: readonly CompiledRule[];
  /**
   * SD configs in Prometheus's order (core.md 2.1): `*_sd_configs` keys alphabetically, each list in file
   * order, then every `static_configs` entry merged into one static config, last.
   */
  readonly sdConfigs: readonly SdConfig[];
  /** Scrape-time settings promsd validates but does not act on (optional so hand-built configs stay short). */
  readonly honorTimestamps?: boolean;
  readonly metricRelabelConfigs?: readonly CompiledRule[];
  /** The job's inline HTTP client block (secrets as Secret, `*_file` paths resolved). */
  readonly httpClient?: HttpClientConfig;
  /** The file that defined the job: the main file, or one of `scrape_config_files`. */
  readonly file?: string;
}

/** A non-fatal finding, e.g. an SD mechanism promsd does not implement yet (accepted, no targets). */
export interface ConfigWarning {
  readonly at: ConfigLocation;
  readonly message: string;
  readonly jobName?: string;
}

export interface PrometheusConfig {
  /** Path of the main config file as given. */
  readonly file: string;
  readonly profile: Profile;
  readonly global: GlobalConfig;
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly warnings: readonly ConfigWarning[];
  /** The parsed document, for `/api/v1/status/config` (secrets masked when rendered). */
  readonly document: YamlNode;
}
