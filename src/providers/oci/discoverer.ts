/**
 * OCI discovery (Prometheus discovery/oci, 3.14+): every `refresh_interval`, the compartments (the
 * configured list, else a breadth-first walk of ACTIVE accessible compartments from the tenancy, a failed
 * subtree logged and skipped), their instances, and per instance its VNIC attachments and primary VNIC
 * (./api.ts, signed with OCI's RSA request signatures). One group, source `OCI`. A failed instance list
 * fails the refresh; an instance whose VNICs cannot be read, that lacks its OCIDs, or has no address is
 * left out, as in Prometheus.
 *
 * Not implemented: `auth: instance_principal` (the metadata-service federation flow): such a config is
 * accepted and each refresh fails with a clear error.
 */
import { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import { createHttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { loadSigningKey, OciApi, RateLimiter } from "./api.js";
import type { OciConfig } from "./config.js";
import { hasAddress, instanceLabels, NO_VNIC, primaryVnicOf, type PrimaryVnic } from "./instances.js";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function listCompartments(api: OciApi, config: OciConfig, deps: DiscovererDeps, signal: AbortSignal): Promise<string[]> {
  if (config.compartments.length > 0) return [...config.compartments];
  const all: string[] = [];
  const visited = new Set<string>();
  const queue = [config.tenancy];
  while (queue.length > 0) {
    const current = queue.shift() ?? "";
    if (visited.has(current)) continue;
    visited.add(current);
    all.push(current);
    try {
      for (const item of await api.listCompartments(current)) {
        const compartment = GoStruct.of(item, "identity.Compartment");
        const id = compartment.string("id");
        if (id !== "" && compartment.string("lifecycleState") === "ACTIVE" && !visited.has(id)) queue.push(id);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      deps.logger.warn({ compartment_id: current, err: describe(error) }, "OCI SD failed to list child compartments, skipping subtree");
    }
  }
  return all;
}

async function primaryVnic(api: OciApi, compartmentId: string, instanceId: string): Promise<PrimaryVnic> {
  for (const item of await api.listVnicAttachments(compartmentId, instanceId)) {
    const attachment = GoStruct.of(item, "core.VnicAttachment");
    const vnicId = attachment.string("vnicId");
    if (!attachment.has("vnicId") || attachment.string("lifecycleState") !== "ATTACHED") continue;
    const vnic = primaryVnicOf(await api.getVnic(vnicId).catch((error: unknown) => {
      throw new SourceError("PROMSD_SOURCE_OCI", `fetching VNIC ${vnicId}: ${describe(error)}`, { cause: error });
    }));
    if (vnic) return vnic;
  }
  return NO_VNIC;
}

export async function refreshOci(api: OciApi, config: OciConfig, deps: DiscovererDeps, signal: AbortSignal): Promise<TargetGroup[]> {
  const compartments = await listCompartments(api, config, deps, signal);
  const targets: LabelSet[] = [];
  for (const compartmentId of compartments) {
    const instances = await api.listInstances(compartmentId).catch((error: unknown) => {
      throw new SourceError("PROMSD_SOURCE_OCI", `listing OCI instances in compartment ${compartmentId}: ${describe(error)}`, { cause: error });
    });
    for (const item of instances) {
      const instance = GoStruct.of(item, "core.Instance");
      if (!instance.has("id") || !instance.has("compartmentId")) {
        deps.logger.warn({ compartment_id: compartmentId }, "OCI SD skipping instance with missing OCID fields");
        continue;
      }
      let vnic: PrimaryVnic;
      try {
        vnic = await primaryVnic(api, instance.string("compartmentId"), instance.string("id"));
      } catch (error) {
        if (signal.aborted) throw error;
        deps.logger.warn({ instance_id: instance.string("id"), err: describe(error) }, "OCI SD failed to resolve VNIC IPs, skipping instance");
        continue;
      }
      if (hasAddress(vnic)) targets.push(instanceLabels(instance, vnic, config.tenancy, config.port));
    }
  }
  return [{ source: "OCI", labels: {}, targets }];
}

export function createOciDiscoverer(config: OciConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer(
    {
      mechanism: "oci",
      intervalMs: config.refreshIntervalMs,
      open: async () => {
        if (config.auth === "instance_principal") {
          throw new SourceError("PROMSD_SOURCE_OCI_AUTH", "oci_sd: auth instance_principal is not supported by promsd yet; use auth: api_key");
        }
        const key = await loadSigningKey(config);
        const client = createHttpClient(config.httpClient, { dialerName: "oci_sd", registry: deps.registry, logger: deps.logger });
        // Prometheus's limiter lives as long as the discoverer: 10 requests per second, bursts of 50.
        const limiter = new RateLimiter(10, 50);
        return {
          refresh: (signal) => refreshOci(new OciApi({ config, client, key, limiter, deps, signal }), config, deps, signal),
          close: () => client.close(),
        };
      },
    },
    deps,
  );
}
