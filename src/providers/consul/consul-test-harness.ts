/**
 * One consul discoverer against one FakeConsul, as the consul tests run it: the fake started on loopback and
 * filled, the config parsed from YAML that names the fake, short refresh and retry delays, and every emitted
 * group recorded. Everything stops when the test ends: first the discoverer, then the fake.
 */
import type { Registry } from "prom-client";
import type { Profile } from "../../profile.js";
import { collectGroups, parseConfigYaml, testDeps, waitFor, type CleanupScope, type CollectedGroups } from "../../testing/index.js";
import { parseConsulConfig, type ConsulConfig } from "./config.js";
import { createConsulDiscoverer, type ConsulTimings } from "./discoverer.js";
import { FakeConsul, type FakeConsulOptions } from "./fake-consul-server.js";

/** Parses one consul_sd_configs block (config dir /etc/prometheus). */
export function parseConsulYaml(yaml: string, profile: Profile = "v3"): ConsulConfig {
  return parseConfigYaml(parseConsulConfig, yaml, { configDir: "/etc/prometheus", profile });
}

export interface ConsulDiscoveryOptions {
  /** The consul_sd_configs block; it must point `server` at `consul.address`. */
  readonly yaml: (consul: FakeConsul) => string;
  /** Fills the fake before discovery starts. */
  readonly setup?: (consul: FakeConsul) => void;
  /** FakeConsul's options; blocking queries are held 300 ms unless `holdMs` says otherwise. */
  readonly fake?: FakeConsulOptions;
  /** Deadline of one request to the fake (default 1.5 s). */
  readonly requestTimeoutMs?: number;
}

export interface ConsulDiscovery extends CollectedGroups {
  readonly consul: FakeConsul;
  readonly registry: Registry;
  /** Waits (10 s at most) until `predicate` holds; the timeout error shows the groups seen so far. */
  until(what: string, predicate: () => boolean): Promise<void>;
}

export async function startConsulDiscovery(t: CleanupScope, options: ConsulDiscoveryOptions): Promise<ConsulDiscovery> {
  const consul = await new FakeConsul({ holdMs: 300, ...options.fake }).start();
  options.setup?.(consul);
  const config = { ...parseConsulYaml(options.yaml(consul)), refreshIntervalMs: 50 };
  const deps = testDeps({ jobNames: ["c"] });
  const timings: ConsulTimings = { retryDelayMs: 100, requestTimeoutMs: options.requestTimeoutMs ?? 1500, maxBodyBytes: 1024 * 1024 };
  const groups = collectGroups(t, createConsulDiscoverer(config, deps, timings));
  t.after(() => consul.close());
  const until = async (what: string, predicate: () => boolean): Promise<void> => {
    await waitFor(() => {
      if (predicate()) return true;
      throw new Error(`groups so far: ${JSON.stringify([...groups.last])}`);
    }, { timeoutMs: 10_000, description: what });
  };
  return { ...groups, consul, registry: deps.registry, until };
}
