/**
 * Azure discovery (Prometheus discovery/azure): every refresh lists the subscription's (or resource group's)
 * virtual machines and scale sets, then each scale set's VMs, on Azure Resource Manager (./arm.ts), and
 * reads each machine's network interfaces: 3.x `Microsoft.Network/networkInterfaces/<nic>` (or the scale
 * set VM's NIC) with `$expand=IPConfigurations/PublicIPAddress`, cached per NIC for 10-13 refresh
 * intervals as 3.x does; 2.42 GETs the NIC id without expansion and caches nothing. One target per machine
 * at its primary NIC's private IP (./machines.ts), all in one group with an empty source. Tokens come from
 * `@azure/identity`, loaded in `open` (./credentials.ts).
 */
import { tlsOnlyHttpClientConfig } from "../../config/http-client.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import { counter } from "../../metrics/registry.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { ArmClient, COMPUTE_API_VERSION, LEGACY_NETWORK_API_VERSION, NETWORK_API_VERSION, parseResourceId, parseResourceId242 } from "./arm.js";
import type { AzureConfig } from "./config.js";
import { createArmTokenSource, type ArmTokenSource } from "./credentials.js";
import { armScope, azureEnvironment } from "./environments.js";
import { NicCache } from "./nic-cache.js";
import { machineFromArm, machineTarget, type AzureMachine } from "./machines.js";

export interface AzureOptions {
  /** Where AZURE_ENVIRONMENT_FILEPATH is read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** NIC reads in flight at once per refresh (Prometheus starts one goroutine per machine). */
const NIC_CONCURRENCY = 16;

export function createAzureDiscoverer(config: AzureConfig, deps: DiscovererDeps, options: AzureOptions = {}): Discoverer {
  const failures = counter(deps.registry, { name: "prometheus_sd_azure_failures_total", help: "Number of Azure service discovery refresh failures." });
  const cacheHits = counter(deps.registry, { name: "prometheus_sd_azure_cache_hit_total", help: "Number of cache hit during refresh." });
  const nicCache = new NicCache(config.refreshIntervalMs);
  return createRefreshDiscoverer({
    mechanism: "azure",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const arm = createHttpClient(config.httpClient, { dialerName: "azure_sd", registry: deps.registry, logger: deps.logger });
      // Token requests get the job's TLS and proxy settings, never its ARM credentials.
      const { proxyUrl, noProxy, proxyFromEnvironment, proxyConnectHeader } = config.httpClient;
      const identity = createHttpClient({ ...tlsOnlyHttpClientConfig(config.httpClient.tlsConfig), proxyUrl, noProxy, proxyFromEnvironment, proxyConnectHeader }, { dialerName: "azure_identity" });
      const context: RefreshContext = { arm, identity, nicCache, countCacheHit: () => cacheHits.inc(), env: options.env ?? process.env };
      return {
        refresh: async (signal) => {
          try {
            return [{ source: "", labels: {}, targets: await listTargets(config, context, signal) }];
          } catch (error) {
            failures.inc();
            throw error;
          }
        },
        close: () => {
          arm.close();
          identity.close();
        },
      };
    },
  }, deps);
}

interface RefreshContext {
  /** Kept between refreshes; replaced after a 401 so that the next token is new. */
  credentials?: Promise<ArmTokenSource> | undefined;
  readonly arm: HttpClient;
  readonly identity: HttpClient;
  readonly nicCache: NicCache;
  readonly countCacheHit: () => void;
  readonly env: NodeJS.ProcessEnv;
}

async function listTargets(config: AzureConfig, context: RefreshContext, signal: AbortSignal): Promise<LabelSet[]> {
  // Resolved per refresh, as Prometheus builds its client per refresh: an environment file may change.
  const environment = azureEnvironment(config.environment, config.profile, context.env);
  const scope = armScope(environment);
  const token = async (tokenSignal: AbortSignal, fresh: boolean): Promise<string> => {
    if (context.credentials === undefined || fresh) {
      const created = createArmTokenSource(config, environment, scope, context.identity);
      context.credentials = created;
      created.catch(() => {
        if (context.credentials === created) context.credentials = undefined; // retried next refresh
      });
    }
    return (await context.credentials).token(tokenSignal);
  };
  const arm = new ArmClient({ client: context.arm, baseUrl: environment.resourceManagerEndpoint, token, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes });
  const subscription = `/subscriptions/${encodeURIComponent(config.subscriptionId)}`;
  const scopePath = config.resourceGroup === "" ? subscription : `${subscription}/resourceGroups/${encodeURIComponent(config.resourceGroup)}`;
  const vms = await arm.list(`${scopePath}/providers/Microsoft.Compute/virtualMachines`, COMPUTE_API_VERSION, "could not get virtual machines", signal);
  const machines: AzureMachine[] = vms.map((vm) => machineFromArm(vm));
  const scaleSets = await arm.list(`${scopePath}/providers/Microsoft.Compute/virtualMachineScaleSets`, COMPUTE_API_VERSION, "could not get virtual machine scale sets", signal);
  for (const scaleSet of scaleSets) {
    const id = typeof (scaleSet as Record<string, unknown>)["id"] === "string" ? String((scaleSet as Record<string, unknown>)["id"]) : ""; // an ARM resource
    const name = typeof (scaleSet as Record<string, unknown>)["name"] === "string" ? String((scaleSet as Record<string, unknown>)["name"]) : "";
    const { resourceGroup } = parseResourceId(id);
    const path = `${subscription}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.Compute/virtualMachineScaleSets/${encodeURIComponent(name)}/virtualMachines`;
    const members = await arm.list(path, COMPUTE_API_VERSION, "could not get virtual machine scale set vms", signal);
    machines.push(...members.map((vm) => machineFromArm(vm, name)));
  }
  const targets: (LabelSet | undefined)[] = new Array(machines.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < machines.length; i = next++) {
      const machine = machines[i];
      if (machine) targets[i] = await machineLabels(machine, config, arm, context, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(NIC_CONCURRENCY, machines.length) }, worker));
  return targets.filter((t): t is LabelSet => t !== undefined);
}

async function machineLabels(machine: AzureMachine, config: AzureConfig, arm: ArmClient, context: RefreshContext, signal: AbortSignal): Promise<LabelSet | undefined> {
  const is242 = config.profile === "v2.42";
  const { resourceGroup } = is242 ? parseResourceId242(machine.id) : parseResourceId(machine.id);
  const nics: unknown[] = [];
  for (const nicId of machine.networkInterfaceIds) {
    let nic = is242 ? undefined : context.nicCache.get(nicId);
    if (nic !== undefined) {
      context.countCacheHit();
    } else {
      nic = await arm.get(nicUrl(arm, config.subscriptionId, nicId, machine, is242), `failed to retrieve Interface ${nicId}`, signal);
      // A NIC that vanished between the listings: Prometheus warns and drops the machine.
      if (nic === undefined) return undefined;
      if (!is242) context.nicCache.set(nicId, nic);
    }
    nics.push(nic);
  }
  return machineTarget(machine, nics, { subscriptionId: config.subscriptionId, tenantId: config.tenantId, port: config.port, resourceGroup });
}

function nicUrl(arm: ArmClient, subscriptionId: string, nicId: string, machine: AzureMachine, is242: boolean): string {
  if (is242) return arm.url(nicId, { "api-version": LEGACY_NETWORK_API_VERSION });
  const { resourceGroup, name } = parseResourceId(nicId);
  const expand = { $expand: "IPConfigurations/PublicIPAddress" };
  // armnetwork puts the client's subscription into the path, not the NIC id's.
  const group = `/subscriptions/${encodeURIComponent(subscriptionId)}/resourceGroups/${encodeURIComponent(resourceGroup)}`;
  if (machine.scaleSet === "") return arm.url(`${group}/providers/Microsoft.Network/networkInterfaces/${encodeURIComponent(name)}`, { "api-version": NETWORK_API_VERSION, ...expand });
  const path = `${group}/providers/Microsoft.Compute/virtualMachineScaleSets/${encodeURIComponent(machine.scaleSet)}/virtualMachines/${encodeURIComponent(machine.instanceId)}/networkInterfaces/${encodeURIComponent(name)}`;
  return arm.url(path, { "api-version": LEGACY_NETWORK_API_VERSION, ...expand });
}
