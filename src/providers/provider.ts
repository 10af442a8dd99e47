/**
 * The provider contract (STYLE 2.2, 2.3). A provider is a definition object: the YAML key it owns, a
 * config parser and a discoverer factory. Adding a mechanism touches its own folder and one line in
 * `providers/index.ts`; never the manager, relabeler or daemon.
 */
import type { Registry } from "prom-client";
import type { ConfigLocation } from "../yaml/location.js";
import type { ParseContext } from "../config/reader.js";
import type { YamlNode } from "../yaml/yaml-node.js";
import type { Logger } from "../logging.js";
import type { TargetGroup } from "../model/target-group.js";

export interface Discoverer {
  /**
   * Yields every known group first (the initial set, possibly empty), then only changed groups; an empty
   * `targets` list means the source is gone. Ends when `signal` aborts. Transient failures are logged and
   * counted through `deps`, never thrown: the consumer keeps the last good groups.
   */
  discover(signal: AbortSignal): AsyncIterable<readonly TargetGroup[]>;
}

export interface DiscovererDeps {
  /** Already scoped, e.g. `{ provider: "file/3" }`. */
  readonly logger: Logger;
  /** The registry the provider's mechanism metrics go to (shared by every provider of one manager). */
  readonly registry: Registry;
  /** Job names subscribed to this provider when it was created; used for the `config` metric label. */
  readonly jobNames: readonly string[];
  readonly fetch: typeof globalThis.fetch;
  /** Resolves true after `ms`, false as soon as `signal` aborts. Tests pass a fake. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
}

export interface ProviderDefinition<C> {
  /** "dns" ↔ dns_sd_configs ↔ providers/dns/. */
  readonly name: string;
  /** The YAML key, `<name>_sd_configs` (`static_configs` for the static provider). */
  readonly configKey: string;
  /** Parses one list element; throws ConfigError. Relative paths are resolved against `ctx.configDir`. */
  parseConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): C;
  createDiscoverer(config: C, deps: DiscovererDeps): Discoverer;
}

/** One parsed SD config as a job carries it: which provider, and its parsed config. */
export interface SdConfig {
  readonly provider: string;
  readonly config: unknown;
  readonly at: ConfigLocation;
}
