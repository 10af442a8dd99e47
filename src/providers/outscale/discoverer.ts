/**
 * Outscale discovery (Prometheus discovery/outscale, 3.12+): every `refresh_interval`, OAPI `ReadVms`
 * (`POST <endpoint>/ReadVms`, JSON body `{}` then `{"NextPageToken": …}` until the answer has no token),
 * signed with AWS Signature V4 as osc-sdk-go 2.34 signs it: service `oapi` and region `eu-west-2` whatever
 * the configured region (the SDK hard-codes both), every request header signed (../../cloud/sigv4.ts).
 * One group, source = the region; one target per VM with an address (private IP first, else public).
 *
 * promsd additions: answers are capped, 429/503 are retried with backoff, pages are limited, and the
 * refresh is bounded by `refresh_interval` (Prometheus's client timeout per request).
 */
import { readFile } from "node:fs/promises";
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import { collectPages, fetchJson } from "../../cloud/json-api.js";
import { signSigV4 } from "../../cloud/sigv4.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { OutscaleConfig } from "./config.js";

const P = "__meta_outscale_vm_";
/** What osc-sdk-go signs with, whatever the configured region. */
export const OSC_SIGNING = Object.freeze({ region: "eu-west-2", service: "oapi" });

async function secretKey(config: OutscaleConfig): Promise<string> {
  if (config.secretKeyFile === "") return config.secretKey.reveal();
  try {
    return (await readFile(config.secretKeyFile, "utf8")).trim();
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_OUTSCALE_SECRET", `unable to read outscale secret key file ${config.secretKeyFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export function vmsToTargets(vms: readonly GoStruct[], config: OutscaleConfig): LabelSet[] {
  const targets: LabelSet[] = [];
  for (const vm of vms) {
    const privateIp = vm.string("PrivateIp");
    const publicIp = vm.string("PublicIp");
    const ip = privateIp !== "" ? privateIp : publicIp;
    if (ip === "") continue;
    const labels: Record<string, string> = { __address__: joinHostPort(ip, config.port), [`${P}instance_id`]: vm.string("VmId"), [`${P}region`]: config.region, [`${P}state`]: vm.string("State") };
    const placement = vm.pointer("Placement", "osc.Placement");
    if (placement?.has("SubregionName")) labels[`${P}subregion`] = placement.string("SubregionName");
    if (vm.has("PrivateIp")) labels[`${P}private_ip`] = privateIp;
    if (vm.has("PublicIp")) labels[`${P}public_ip`] = publicIp;
    for (const tag of vm.structs("Tags", "osc.ResourceTag")) {
      const key = tag.string("Key");
      const value = tag.string("Value");
      if (key !== "" && value !== "") labels[`${P}tag_${sanitizeLabelName(key)}`] = value;
    }
    targets.push(labels);
  }
  return targets;
}

export async function refreshOutscale(config: OutscaleConfig, client: HttpClient, deps: DiscovererDeps, signal: AbortSignal, now: () => Date = () => new Date()): Promise<TargetGroup[]> {
  const secret = await secretKey(config);
  const url = new URL(`${config.endpoint}/ReadVms`);
  const vms = await collectPages<GoStruct>(async (token) => {
    const body = JSON.stringify(token === undefined ? {} : { NextPageToken: token });
    const signHeaders = (): Record<string, string> => {
      const { host: _host, ...sent } = signSigV4({ method: "POST", url, headers: { host: url.host, "content-type": "application/json", accept: "application/json" }, body }, { accessKey: config.accessKey, secretKey: secret, ...OSC_SIGNING }, now());
      return sent; // the client sends Host itself, from the same URL
    };
    const answer = await fetchJson(client, url.toString(), { mechanism: "outscale", method: "POST", body, signHeaders, signal, maxBodyBytes: config.maxBodyBytes, wait: deps.sleep }).catch((error: unknown) => {
      throw new SourceError("PROMSD_SOURCE_OUTSCALE", `outscale ReadVms: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const response = GoStruct.of(answer, "osc.ReadVmsResponse");
    const next = response.string("NextPageToken");
    return { items: response.structs("Vms", "osc.Vm"), next: next === "" ? undefined : next };
  }, { mechanism: "outscale" });
  return [{ source: config.region, labels: {}, targets: vmsToTargets(vms, config) }];
}

export function createOutscaleDiscoverer(config: OutscaleConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer(
    {
      mechanism: "outscale",
      intervalMs: config.refreshIntervalMs,
      open: () => {
        const client = createHttpClient(config.httpClient, { dialerName: "outscale_sd", registry: deps.registry, logger: deps.logger });
        return { refresh: (signal) => refreshOutscale(config, client, deps, signal), close: () => client.close() };
      },
    },
    deps,
  );
}
