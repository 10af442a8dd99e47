/** Shared test helpers: temp dirs, waiting with a deadline, bounded parallelism, the promtool/promsd runners and
 * their comparison, config problems, and the harness that drives one discoverer. */
export { waitFor, type WaitForOptions } from "./wait-for.js";
export { createTempDir, tempDir, writeFiles, type CleanupScope } from "./temp-dir.js";
export { createLimiter, type Limiter } from "./map-limit.js";
export {
  PROMTOOL_PATH,
  assertPromtoolInstalled,
  isPromtoolInstalled,
  goDuration,
  parseSdOutput,
  runPromsdSd,
  runPromtoolSd,
  type PromsdSdOptions,
  type SdProcessOptions,
  type PromtoolSdOptions,
  type SdEntry,
  type SdRun,
} from "./promtool.js";
export {
  ONE_JOB,
  assertSameSdEntries,
  runPromtoolAndPromsd,
  sortedSdEntries,
  writeOneJobConfig,
  type SdComparisonOptions,
  type SdRunPair,
} from "./sd-comparison.js";
export { configProblem, parseConfigYaml, type ConfigParser, type ParseYamlOptions } from "./config-problem.js";
export { manualTicks, type ManualTicks } from "./manual-ticks.js";
export {
  collectGroups,
  metricValue,
  pullUpdates,
  testDeps,
  waitForMetric,
  type CollectedGroups,
  type MetricExpectation,
  type PulledUpdates,
} from "./discoverer-harness.js";
export { openLoopbackNetns, type LoopbackNetns } from "./loopback-netns.js";
