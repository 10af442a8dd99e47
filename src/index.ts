/**
 * promsd's public library API: re-exports only (STYLE 2.1). Outside code reaches promsd through this file
 * (package.json `exports`); everything else is internal and may change.
 *
 * @example
 * import { loadConfigFile, buildJobTargets } from "promsd";
 * const config = await loadConfigFile("prometheus.yml");
 */

// Configuration: prometheus.yml loading and its building blocks.
export {
  configFromObject, ConfigLocation, DurationError, formatDuration, loadConfigFile, parseConfigText, parseDuration, Secret,
  type ConfigWarning, type GlobalConfig, type LoadOptions, type PrometheusConfig, type ScrapeConfig,
} from "./config/index.js";

// Relabeling (core.md 3).
export {
  compileRelabelConfig, hashmod, parseRelabelConfigs, relabel, relabelSteps, relabelTrace, RELABEL_ACTIONS,
  type CompiledRule, type RelabelAction, type RelabelConfig, type RelabelOptions, type RelabelStep,
} from "./relabel/index.js";

// Target building, promtool's output and the scrape side (core.md 4, 6.5, 2.6).
export {
  buildJobTargets, buildTarget, discoveredLabels, failureMessage, formatExplain, formatPromtool, promtoolEntries, scrapeUrl,
  TargetSync, type ActiveTarget, type BuiltTarget, type DroppedTarget, type FailedTarget, type JobDelivery, type JobTargets, type RecordedGroups,
  type SnapshotSource, type SourceSnapshot, type TargetSyncOptions, type TargetsView,
} from "./targets/index.js";

// The discovery manager (core.md 2).
export { DiscoveryManager, type ManagerOptions, type ProviderStatus } from "./manager/index.js";

// Providers: the contract, the shared polling loop and the built-in mechanisms.
export { builtinProviders, KNOWN_SD_CONFIG_KEYS } from "./providers/index.js";
export type { Discoverer, DiscovererDeps, ProviderDefinition, SdConfig } from "./providers/provider.js";
export { poll, sleep, type PollOptions } from "./providers/polling.js";
export { staticProvider, type StaticConfig } from "./providers/static/index.js";
export { fileProvider, type FileSdConfig } from "./providers/file/provider.js";
export { dnsProvider } from "./providers/dns/provider.js";
export { nerveProvider, serversetProvider } from "./providers/zookeeper/provider.js";
export { consulProvider } from "./providers/consul/provider.js";
export { httpProvider } from "./providers/http/provider.js";
export { marathonProvider } from "./providers/marathon/provider.js";
export { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequestOptions, type HttpResponse } from "./http/index.js";

// Model: label sets and target groups (core.md 1).
export {
  canonicalLabels, compareUtf8, isValidLabelName, labelSetsEqual, ADDRESS_LABEL, INSTANCE_LABEL, JOB_LABEL, META_LABEL_PREFIX,
  METRICS_PATH_LABEL, PARAM_LABEL_PREFIX, SCHEME_LABEL, SCRAPE_INTERVAL_LABEL, SCRAPE_TIMEOUT_LABEL,
  type LabelSet, type NameValidationScheme,
} from "./model/labels.js";
export { emptyGroup, type TargetGroup } from "./model/target-group.js";
export {
  decodeGroupsJson, decodeGroupsYaml, encodeGroupsJson, GroupDecodeError, type DecodedGroup,
} from "./model/target-group-codec.js";

// Errors, profiles, logging.
export { ConfigError, PromsdError, SourceError } from "./errors.js";
export { DEFAULT_PROFILE, parseProfile, type Profile } from "./profile.js";
export { createLogger, silentLogger, type Logger } from "./logging.js";

// The daemon (`promsd run`): the same engine behind HTTP outputs.
export { Daemon, DEFAULT_FLAGS, defaultConfigText, parseDaemonFlags, runDaemon, type DaemonFlags, type DaemonOptions } from "./daemon/index.js";
