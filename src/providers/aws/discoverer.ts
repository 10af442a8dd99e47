/**
 * The unified `aws_sd_configs` (Prometheus discovery/aws/aws.go `NewDiscoverer`): it hands the role's
 * config to the role's own discoverer, so `role: ec2` is exactly `ec2_sd_configs` (same labels, same
 * `prometheus_sd_refresh_failures_total{mechanism="ec2"}`) and `role: lightsail` exactly
 * `lightsail_sd_configs`, and `role: msk` `msk_sd_configs` (with its default request_concurrency, 10).
 *
 * Not implemented yet (TODO(#13)): the ecs, elasticache and rds roles. Their configs are parsed and
 * validated; their discoverer logs one warning, delivers an empty initial set (so `promsd sd` and the
 * daemon's readiness are not held up) and nothing else, like promsd's other not-yet-implemented mechanisms.
 */
import { unreachable } from "../../profile.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createEc2Discoverer } from "../ec2/discoverer.js";
import { createLightsailDiscoverer } from "../lightsail/discoverer.js";
import { createMskDiscoverer } from "../msk/discoverer.js";
import type { AwsSdConfig } from "./config.js";

function createPendingRoleDiscoverer(role: string, deps: DiscovererDeps): Discoverer {
  return {
    async *discover(signal) {
      deps.logger.warn({ role }, `aws_sd_configs role ${role} is not implemented by promsd yet; it contributes no targets`);
      yield [];
      if (signal.aborted) return;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    },
  };
}

export function createAwsDiscoverer(config: AwsSdConfig, deps: DiscovererDeps): Discoverer {
  switch (config.role) {
    case "ec2":
      return createEc2Discoverer(config.ec2, deps);
    case "lightsail":
      return createLightsailDiscoverer(config.lightsail, deps);
    case "msk":
      return createMskDiscoverer(config.msk, deps);
    case "ecs":
    case "elasticache":
    case "rds":
      return createPendingRoleDiscoverer(config.role, deps);
    default:
      return unreachable(config);
  }
}
