/**
 * EC2 discovery (Prometheus discovery/aws/ec2.go): every `refresh_interval`, the EC2 query API's
 * DescribeInstances with the configured filters, paged through the SDK's paginator (`NextToken`), one
 * group whose source is the region (./instances.ts builds the labels). DescribeAvailabilityZones maps zone
 * names to zone IDs once; until it succeeds the zone ID labels are empty and it is asked again.
 *
 * As Prometheus: the client is built on the first refresh (region, credentials: src/cloud/aws/clients.ts)
 * and dropped after an `AuthFailure` or `UnauthorizedOperation` answer so the next refresh starts over; a
 * failed refresh (any page) emits nothing and the last good targets stay.
 */
import { describeAwsError, isAuthFailure, openAwsClients, type AwsClientSetup } from "../../cloud/aws/clients.js";
import { SourceError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Ec2Config } from "./config.js";
import { reservationsToTargets, type Ec2Reservation } from "./instances.js";

/** The two calls discovery makes, so the unified key and tests can share the refresh. */
export interface Ec2Api {
  describeAvailabilityZones(signal: AbortSignal): Promise<{ ZoneName?: string | undefined; ZoneId?: string | undefined }[]>;
  /** Every page of DescribeInstances with `filters`. */
  describeInstances(filters: Ec2Config["filters"], signal: AbortSignal): AsyncIterable<readonly Ec2Reservation[]>;
}

interface OpenEc2 {
  readonly region: string;
  readonly api: Ec2Api;
  close(): void;
}

async function openEc2(config: Ec2Config, deps: DiscovererDeps, signal: AbortSignal): Promise<OpenEc2> {
  const sdk = await import("@aws-sdk/client-ec2");
  const setup: AwsClientSetup = await openAwsClients(config, deps, {
    dialerName: "ec2_sd",
    signal,
    sdkRegion: (requestHandler) => new sdk.EC2Client({ requestHandler }).config.region(),
  });
  const client = new sdk.EC2Client(setup.clientOptions);
  const api: Ec2Api = {
    async describeAvailabilityZones(callSignal) {
      const output = await client.send(new sdk.DescribeAvailabilityZonesCommand({}), { abortSignal: callSignal });
      return output.AvailabilityZones ?? [];
    },
    async *describeInstances(filters, callSignal) {
      const input = filters.length === 0 ? {} : { Filters: filters.map((f) => ({ Name: f.name, Values: [...f.values] })) };
      for await (const page of sdk.paginateDescribeInstances({ client, withCommand: (command) => command }, input, { abortSignal: callSignal })) {
        yield page.Reservations ?? [];
      }
    },
  };
  return { region: setup.region, api, close: () => { client.destroy(); setup.close(); } };
}

export function createEc2Discoverer(config: Ec2Config, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "ec2",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      let opened: OpenEc2 | undefined;
      let azToAzId: Map<string, string> | undefined;
      return {
        async refresh(signal): Promise<readonly TargetGroup[]> {
          opened ??= await openEc2(config, deps, signal);
          const { region, api } = opened;
          if (azToAzId === undefined) {
            try {
              azToAzId = new Map();
              for (const zone of await api.describeAvailabilityZones(signal)) {
                if (zone.ZoneName !== undefined && zone.ZoneId !== undefined) azToAzId.set(zone.ZoneName, zone.ZoneId);
              }
            } catch (error) {
              azToAzId = undefined;
              deps.logger.debug({ err: describeAwsError(error) }, "Unable to describe availability zones");
            }
          }
          const reservations: Ec2Reservation[] = [];
          try {
            for await (const page of api.describeInstances(config.filters, signal)) reservations.push(...page);
          } catch (error) {
            if (isAuthFailure(error)) {
              opened.close();
              opened = undefined;
            }
            if (signal.aborted) throw signal.reason;
            throw new SourceError("PROMSD_SOURCE_AWS_API", `could not describe instances: ${describeAwsError(error)}`, { cause: error });
          }
          const targets = reservationsToTargets(reservations, { region, port: config.port, azToAzId, profile: config.labelProfile });
          return [{ source: region, labels: {}, targets }];
        },
        close: () => opened?.close(),
      };
    },
  }, deps);
}
