/**
 * OpenStack discovery (Prometheus discovery/openstack): Keystone v3 (./keystone.ts), then per role
 * - instance: Neutron `v2.0/ports` + `v2.0/floatingips` (3.2+) or Nova `os-floating-ips` (2.42), then Nova
 *   `servers/detail[?all_tenants=true]`; one target per fixed address, floating addresses skipped;
 * - hypervisor: Nova `os-hypervisors/detail`, one target per hypervisor at `host_ip:port`;
 * - loadbalancer (3.2+): Octavia `v2.0/lbaas/loadbalancers` + `v2.0/lbaas/listeners` + Neutron floating IPs,
 *   one target per load balancer with a PROMETHEUS listener.
 * Everything lands in one group, source `OS_<region>`, as in Prometheus. Endpoints come from the token's
 * catalog (`region`, `availability`). Every request is bounded by `refresh_interval` (Prometheus's client
 * timeout), bodies are capped, 429/503 are retried with backoff, 401 re-authenticates once.
 */
import { createHttpClient } from "../../http/http-client.js";
import { tlsOnlyHttpClientConfig } from "../../config/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import { unreachable } from "../../profile.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import { OpenStackApi } from "./api.js";
import type { OpenStackConfig } from "./config.js";
import { credentialsFromEnv, Keystone, serviceEndpoint } from "./keystone.js";
import { hypervisorTargets, instanceTargets, loadBalancerTargets, neutronFloatingIps, novaFloatingIps } from "./targets.js";

export interface OpenStackOptions {
  /** Where OS_* credentials are read when `identity_endpoint` is empty (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Throws SourceError when `identity_endpoint` is empty and the OS_* environment is incomplete, as Prometheus fails then. */
export function createOpenStackDiscoverer(config: OpenStackConfig, deps: DiscovererDeps, options: OpenStackOptions = {}): Discoverer {
  const credentials = config.credentials.identityEndpoint === "" ? credentialsFromEnv(options.env ?? process.env) : config.credentials;
  const source = `OS_${config.region}`;
  return createRefreshDiscoverer({
    mechanism: "openstack",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(tlsOnlyHttpClientConfig(config.tlsConfig), { dialerName: "openstack_sd", registry: deps.registry, logger: deps.logger });
      const common = { client, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes };
      const api = new OpenStackApi({ ...common, keystone: new Keystone({ ...common, credentials }) });
      return {
        refresh: async (signal): Promise<readonly TargetGroup[]> => [{ source, labels: {}, targets: await listTargets(api, config, signal) }],
        close: () => client.close(),
      };
    },
  }, deps);
}

async function listTargets(api: OpenStackApi, config: OpenStackConfig, signal: AbortSignal) {
  const { catalog } = await api.token(signal);
  const endpoint = (type: string): string => serviceEndpoint(catalog, type, config.region, config.availability);
  switch (config.role) {
    case "hypervisor": {
      const compute = endpoint("compute");
      return hypervisorTargets(await api.list(`${compute}os-hypervisors/detail`, "hypervisors", "could not extract hypervisors", signal), config.port);
    }
    case "instance": {
      const compute = endpoint("compute");
      let floatingIps;
      if (config.profile === "v2.42") {
        floatingIps = novaFloatingIps(await api.list(`${compute}os-floating-ips`, "floating_ips", "could not extract floatingips", signal));
      } else {
        const network = `${endpoint("network")}v2.0/`;
        const ports = await api.list(`${network}ports`, "ports", "failed to list all ports", signal);
        floatingIps = neutronFloatingIps(ports, await api.list(`${network}floatingips`, "floatingips", "could not extract floatingips", signal));
      }
      const query = config.allTenants ? "?all_tenants=true" : "";
      const servers = await api.list(`${compute}servers/detail${query}`, "servers", "could not extract instances", signal);
      return instanceTargets(servers, floatingIps, config.port, config.profile);
    }
    case "loadbalancer": {
      const lb = `${endpoint("load-balancer")}v2.0/lbaas/`;
      const network = `${endpoint("network")}v2.0/`;
      const loadBalancers = await api.list(`${lb}loadbalancers`, "loadbalancers", "failed to list load balancers", signal);
      const listeners = await api.list(`${lb}listeners`, "listeners", "failed to list all listeners", signal);
      const floatingIps = await api.list(`${network}floatingips`, "floatingips", "failed to list floating IPs", signal);
      return loadBalancerTargets(loadBalancers, listeners, floatingIps);
    }
    default:
      return unreachable(config.role);
  }
}
