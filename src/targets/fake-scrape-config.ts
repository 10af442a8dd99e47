/** A ScrapeConfig for unit tests, built without the config loader (defaults as Prometheus fills them). Test-only: not in dist. */
import { ConfigLocation } from "../yaml/location.js";
import type { Located } from "../config/reader.js";
import type { ScrapeConfig } from "../config/types.js";
import { yamlNodeFromValue, type YamlNode } from "../yaml/yaml-node.js";
import type { Profile } from "../profile.js";
import { parseRelabelConfigs } from "../relabel/config.js";
import type { CompiledRule } from "../relabel/types.js";

export function testJob(overrides: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return {
    jobName: "j",
    at: ConfigLocation.root("test.yml"),
    scrapeIntervalMs: 60_000,
    scrapeTimeoutMs: 10_000,
    scheme: "http",
    metricsPath: "/metrics",
    params: new Map(),
    honorLabels: false,
    keepDroppedTargets: 0,
    metricNameValidationScheme: "utf8",
    scrapeNativeHistograms: false,
    alwaysScrapeClassicHistograms: false,
    convertClassicHistogramsToNhcb: false,
    relabelConfigs: [],
    sdConfigs: [],
    ...overrides,
  };
}

/** Compiles relabel rules written as prometheus.yml objects. */
export function testRules(rules: readonly unknown[], profile: Profile = "v3"): CompiledRule[] {
  const at = ConfigLocation.root("test.yml");
  const items: Located<YamlNode>[] = rules.map((rule, i) => ({ value: yamlNodeFromValue(rule), at: at.index(i) }));
  return parseRelabelConfigs(items, { profile, scheme: profile === "v2.42" ? "legacy" : "utf8" }, "target");
}
