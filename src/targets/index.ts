/** Target building (core.md 4), promtool's output format (6.5) and the scrape side (2.6): re-exports only. */
export type { ActiveTarget, BuiltTarget, DroppedTarget, FailedTarget, JobDelivery, JobTargets, TargetsView } from "./types.js";
export {
  ALWAYS_SCRAPE_CLASSIC_HISTOGRAMS_LABEL, buildJobTargets, buildTarget, CONVERT_CLASSIC_HISTOGRAMS_TO_NHCB_LABEL, discoveredLabels,
  failureMessage, SCRAPE_NATIVE_HISTOGRAMS_LABEL, sortLabelNames,
} from "./build.js";
export { encodeQuery, pathEscape, queryEscape, scrapeUrl } from "./scrape-url.js";
export { splitHostPort, type SplitHostPortResult } from "./split-host-port.js";
export { formatExplain, formatPromtool, promtoolChunks, promtoolEntries, type RecordedGroups } from "./promtool-format.js";
export { goJsonIndent, GoJsonObject, goJsonString, labelObject, labelObjectIndent, type GoJsonValue } from "./go-json.js";
export {
  sameJobTargets, scrapeConfigFingerprint, TARGET_SYNC_DEFAULTS, TargetSync, type SnapshotSource, type SourceSnapshot, type TargetSyncOptions,
} from "./target-sync.js";
