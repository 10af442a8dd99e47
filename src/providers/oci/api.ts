/**
 * The four OCI REST calls Prometheus makes (identity ListCompartments, compute ListInstances and
 * ListVnicAttachments, virtual network GetVnic), signed per request (./request-signature.ts), paged by the
 * `opc-next-page` header with `limit=100`, at most 10 requests per second after a burst of 50 (Prometheus's
 * rate limiter). Endpoints follow the OCI SDK's templates for the commercial realm:
 * `https://identity.<region>.oci.oraclecloud.com` and `https://iaas.<region>.oraclecloud.com`, API 20160918.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { collectPages, requestWithBackoff } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { DiscovererDeps } from "../provider.js";
import type { OciConfig } from "./config.js";
import { signOciGet } from "./request-signature.js";

const API_VERSION = "20160918";

/** A token bucket: `ratePerSecond` steady, `burst` at once. */
export class RateLimiter {
  #tokens: number;
  #last = Date.now();
  constructor(readonly ratePerSecond: number, readonly burst: number) {
    this.#tokens = burst;
  }
  async take(wait: DiscovererDeps["sleep"], signal: AbortSignal): Promise<void> {
    const now = Date.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens < 1) {
      const ms = Math.ceil(((1 - this.#tokens) / this.ratePerSecond) * 1000);
      if (!(await wait(ms, signal))) throw signal.reason;
      this.#tokens = 1;
      this.#last = Date.now();
    }
    this.#tokens -= 1;
  }
}

export async function loadSigningKey(config: OciConfig): Promise<KeyObject> {
  const pem = await readFile(config.keyFile, "utf8").catch((error: unknown) => {
    throw new SourceError("PROMSD_SOURCE_OCI_KEY", `oci_sd: failed to build configuration provider: reading OCI key file ${JSON.stringify(config.keyFile)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  let passphrase = config.keyPassphrase.reveal();
  if (config.keyPassphraseFile !== "") {
    passphrase = (await readFile(config.keyPassphraseFile, "utf8").catch((error: unknown) => {
      throw new SourceError("PROMSD_SOURCE_OCI_KEY", `reading OCI key passphrase file ${JSON.stringify(config.keyPassphraseFile)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    })).replace(/[\r\n]+$/, "");
  }
  try {
    return createPrivateKey(passphrase === "" ? pem : { key: pem, passphrase });
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_OCI_KEY", `oci_sd: can not create private key: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export interface OciApiOptions {
  readonly config: OciConfig;
  readonly client: HttpClient;
  readonly key: KeyObject;
  readonly limiter: RateLimiter;
  readonly deps: DiscovererDeps;
  readonly signal: AbortSignal;
}

export class OciApi {
  readonly #identity: string;
  readonly #iaas: string;
  readonly #keyId: string;
  constructor(readonly options: OciApiOptions) {
    const { region, tenancy, user, fingerprint } = options.config;
    this.#identity = `https://identity.${region}.oci.oraclecloud.com/${API_VERSION}`;
    this.#iaas = `https://iaas.${region}.oraclecloud.com/${API_VERSION}`;
    this.#keyId = `${tenancy}/${user}/${fingerprint}`;
  }

  async #get(url: URL): Promise<{ body: unknown; nextPage: string | undefined }> {
    const { client, key, limiter, deps, signal, config } = this.options;
    await limiter.take(deps.sleep, signal);
    const response = await requestWithBackoff(client, url.toString(), { mechanism: "oci", signal, wait: deps.sleep, maxBodyBytes: config.maxBodyBytes, headers: { accept: "application/json" }, signHeaders: () => withoutHost(signOciGet(url, this.#keyId, key)) });
    const text = response.body.toString("utf8");
    if (response.status < 200 || response.status > 299) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `Error returned by ${url.hostname.split(".")[0] ?? "OCI"} service (${url.pathname}). Http Status Code: ${response.status}. ${text.slice(0, 512)}`.trim());
    }
    try {
      return { body: JSON.parse(text) as unknown, nextPage: response.headers["opc-next-page"] || undefined };
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `oci: ${url.pathname}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async #list(base: string, path: string, query: Readonly<Record<string, string>>): Promise<unknown[]> {
    return collectPages<unknown>(async (page) => {
      const url = new URL(`${base}${path}`);
      for (const [name, value] of Object.entries({ ...query, limit: "100", ...(page === undefined ? {} : { page }) })) url.searchParams.set(name, value);
      const { body, nextPage } = await this.#get(url);
      if (!Array.isArray(body)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `oci: ${path}: json: cannot unmarshal ${typeof body} into Go value of type []`);
      return { items: body, next: nextPage };
    }, { mechanism: "oci" });
  }

  listCompartments(parentId: string): Promise<unknown[]> {
    return this.#list(this.#identity, "/compartments", { compartmentId: parentId, accessLevel: "ACCESSIBLE", compartmentIdInSubtree: "false" });
  }

  listInstances(compartmentId: string): Promise<unknown[]> {
    return this.#list(this.#iaas, "/instances", { compartmentId });
  }

  listVnicAttachments(compartmentId: string, instanceId: string): Promise<unknown[]> {
    return this.#list(this.#iaas, "/vnicAttachments", { compartmentId, instanceId });
  }

  async getVnic(vnicId: string): Promise<unknown> {
    return (await this.#get(new URL(`${this.#iaas}/vnics/${encodeURIComponent(vnicId)}`))).body;
  }
}

function withoutHost(headers: Record<string, string>): Record<string, string> {
  const { host: _host, ...rest } = headers; // the client sends Host itself, from the same URL
  return rest;
}
