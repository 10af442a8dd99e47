/** The discovery manager (core.md 2) and its parts; re-exports only. */
export {
  DEFAULT_INITIAL_TIMEOUT_MS,
  DEFAULT_UPDATE_INTERVAL_MS,
  DiscoveryManager,
  type ManagerJob,
  type ManagerOptions,
  type ProviderStatus,
  type SnapshotListener,
} from "./manager.js";
export { canonicalConfigKey } from "./config-key.js";
export { type PoolProvider, type ProviderState } from "./provider-pool.js";
export { type Snapshot, TargetStore } from "./target-store.js";
export { type Clock, systemClock, Throttle, type ThrottleMode, type ThrottleOptions } from "./throttle.js";
export { DiscoverySnapshot, JobGroups, type JobChanges } from "./snapshot.js";
export { GroupList, GroupListView } from "./group-list.js";
