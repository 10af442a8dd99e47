/**
 * The OVHcloud API's signed requests, as go-ovh (the client Prometheus uses) sends them. Every signed call
 * carries `X-Ovh-Application`, `X-Ovh-Consumer`, `X-Ovh-Timestamp` (the *server's* clock: local time minus
 * the offset learnt from the unauthenticated `GET /auth/time`) and `X-Ovh-Signature` =
 * `"$1$" + sha1hex(secret + "+" + consumerKey + "+" + METHOD + "+" + fullUrl + "+" + body + "+" + timestamp)`
 * (https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api, "Signing requests").
 *
 * Prometheus builds a new go-ovh client on every refresh, so the clock offset is learnt again each time:
 * a client whose clock is skewed by hours still signs with a timestamp the API accepts. promsd does the same.
 */
import { createHash } from "node:crypto";
import { requestWithBackoff } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { Profile } from "../../profile.js";
import type { OvhcloudConfig } from "./config.js";

/** go-ovh's endpoint names. */
export const OVH_ENDPOINTS: Readonly<Record<string, string>> = Object.freeze({
  "ovh-eu": "https://eu.api.ovh.com/1.0",
  "ovh-ca": "https://ca.api.ovh.com/1.0",
  "ovh-us": "https://api.us.ovhcloud.com/1.0",
  "kimsufi-eu": "https://eu.api.kimsufi.com/1.0",
  "kimsufi-ca": "https://ca.api.kimsufi.com/1.0",
  "soyoustart-eu": "https://eu.api.soyoustart.com/1.0",
  "soyoustart-ca": "https://ca.api.soyoustart.com/1.0",
});

/** The API base URL: go-ovh takes an endpoint containing `/` as a URL, anything else as a name. */
export function resolveOvhEndpoint(endpoint: string, profile: Profile): string {
  // go-ovh 1.9 (Prometheus 3.x) rejects a trailing slash; 1.3 (2.42) appended the path after it.
  if (profile === "v3" && endpoint.endsWith("/")) throw new SourceError("PROMSD_SOURCE_OVHCLOUD_ENDPOINT", "endpoint name cannot have a trailing slash");
  const url = endpoint.includes("/") ? endpoint : OVH_ENDPOINTS[endpoint];
  if (url === undefined) throw new SourceError("PROMSD_SOURCE_OVHCLOUD_ENDPOINT", `unknown endpoint '${endpoint}', consider checking 'Endpoints' list or using an URL`);
  return url;
}

export interface OvhSignatureInput {
  readonly applicationSecret: string;
  readonly consumerKey: string;
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly timestamp: number;
}

/** `$1$` + the SHA-1 of the request's parts; the fake API checks it with the same function's inputs. */
export function ovhSignature(input: OvhSignatureInput): string {
  const text = `${input.applicationSecret}+${input.consumerKey}+${input.method}+${input.url}+${input.body}+${input.timestamp}`;
  return `$1$${createHash("sha1").update(text).digest("hex")}`;
}

/** One refresh's API session: the clock offset is fetched on the first signed call, as go-ovh does. */
export class OvhSignedApi {
  readonly #base: string;
  #offsetMs: number | undefined;

  constructor(
    readonly config: OvhcloudConfig,
    readonly client: HttpClient,
    readonly options: { readonly signal: AbortSignal; readonly wait?: (ms: number, signal: AbortSignal) => Promise<boolean>; readonly now?: () => number },
  ) {
    this.#base = resolveOvhEndpoint(config.endpoint, config.profile);
  }

  /** The server's clock in Unix seconds, from `GET /auth/time` (an empty body reads as 0, like go-ovh). */
  async serverTime(): Promise<number> {
    const body = await this.#call("/auth/time");
    if (body === undefined) return 0;
    if (typeof body !== "number" || !Number.isInteger(body)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `ovhcloud: /auth/time: json: cannot unmarshal ${JSON.stringify(body)} into Go value of type int64`);
    return body;
  }

  /** A signed GET of `path` (e.g. `/vps/abc/ips`); the parsed JSON, or undefined for an empty body. */
  async get(path: string): Promise<unknown> {
    const now = this.options.now ?? Date.now;
    if (this.#offsetMs === undefined) {
      const serverSeconds = await this.serverTime();
      this.#offsetMs = now() - serverSeconds * 1000;
    }
    const offsetMs = this.#offsetMs;
    const url = `${this.#base}${path}`;
    const consumerKey = this.config.consumerKey.reveal();
    // Signed again for every attempt: a retry after a 429 must not carry a stale timestamp.
    return this.#call(path, () => {
      const timestamp = Math.floor((now() - offsetMs) / 1000);
      const signature = ovhSignature({ applicationSecret: this.config.applicationSecret.reveal(), consumerKey, method: "GET", url, body: "", timestamp });
      return { "x-ovh-timestamp": String(timestamp), "x-ovh-consumer": consumerKey, "x-ovh-signature": signature };
    });
  }

  async #call(path: string, sign?: () => Record<string, string>): Promise<unknown> {
    const url = `${this.#base}${path}`;
    const response = await requestWithBackoff(this.client, url, {
      mechanism: "ovhcloud",
      signal: this.options.signal,
      headers: { "x-ovh-application": this.config.applicationKey, accept: "application/json" },
      ...(sign ? { signHeaders: sign } : {}),
      maxBodyBytes: this.config.maxBodyBytes,
      ...(this.options.wait ? { wait: this.options.wait } : {}),
    });
    const text = response.body.toString("utf8");
    if (response.status < 200 || response.status > 299) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `OVHcloud API error (status code ${response.status}): ${apiErrorMessage(text)}`);
    }
    if (text === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `ovhcloud: ${path}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** go-ovh's APIError text: the JSON `message` when the body has one, else the body. */
function apiErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed !== null && typeof parsed === "object" && "message" in parsed && typeof parsed.message === "string") {
      const cls = "class" in parsed && typeof parsed.class === "string" && parsed.class !== "" ? `${parsed.class}: ` : "";
      return `${cls}${JSON.stringify(parsed.message)}`;
    }
  } catch {
    // not JSON: go-ovh quotes the raw body
  }
  return JSON.stringify(body.slice(0, 512));
}
