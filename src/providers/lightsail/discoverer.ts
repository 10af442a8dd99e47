/**
 * Lightsail discovery (Prometheus discovery/aws/lightsail.go): every `refresh_interval`, one GetInstances
 * call of Lightsail's JSON protocol (`X-Amz-Target: Lightsail_20161128.GetInstances`), one group whose
 * source is the region (./instances.ts builds the labels).
 *
 * Paging: Prometheus makes one GetInstances call and ignores `nextPageToken`, so an account with more
 * instances than one page holds shows only the first page; promsd does the same, label for label (a
 * Prometheus limitation, reported in the README). Credentials, region, retries and the AuthFailure rule as
 * for EC2 (src/cloud/aws/clients.ts).
 */
import { describeAwsError, isAuthFailure, openAwsClients } from "../../cloud/aws/clients.js";
import { SourceError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { LightsailConfig } from "./config.js";
import { lightsailInstancesToTargets, type LightsailInstance } from "./instances.js";

interface OpenLightsail {
  readonly region: string;
  getInstances(signal: AbortSignal): Promise<readonly LightsailInstance[]>;
  close(): void;
}

async function openLightsail(config: LightsailConfig, deps: DiscovererDeps, signal: AbortSignal): Promise<OpenLightsail> {
  const sdk = await import("@aws-sdk/client-lightsail");
  const setup = await openAwsClients(config, deps, {
    dialerName: "lightsail_sd",
    signal,
    sdkRegion: (requestHandler) => new sdk.LightsailClient({ requestHandler }).config.region(),
  });
  const client = new sdk.LightsailClient(setup.clientOptions);
  return {
    region: setup.region,
    async getInstances(callSignal) {
      const output = await client.send(new sdk.GetInstancesCommand({}), { abortSignal: callSignal });
      return output.instances ?? [];
    },
    close: () => {
      client.destroy();
      setup.close();
    },
  };
}

export function createLightsailDiscoverer(config: LightsailConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "lightsail",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      let opened: OpenLightsail | undefined;
      return {
        async refresh(signal): Promise<readonly TargetGroup[]> {
          opened ??= await openLightsail(config, deps, signal);
          let instances: readonly LightsailInstance[];
          try {
            instances = await opened.getInstances(signal);
          } catch (error) {
            if (isAuthFailure(error)) {
              opened.close();
              opened = undefined;
            }
            if (signal.aborted) throw signal.reason;
            throw new SourceError("PROMSD_SOURCE_AWS_API", `could not get instances: ${describeAwsError(error)}`, { cause: error });
          }
          return [{ source: opened.region, labels: {}, targets: lightsailInstancesToTargets(instances, { region: opened.region, port: config.port }) }];
        },
        close: () => opened?.close(),
      };
    },
  }, deps);
}
