/** Shared test helpers: temp dirs, waiting with a deadline, bounded parallelism, the promtool/promsd runners. */
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
  type PromtoolSdOptions,
  type SdEntry,
  type SdRun,
} from "./promtool.js";
