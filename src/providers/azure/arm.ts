/**
 * Azure Resource Manager over plain REST (what armcompute/armnetwork and 2.42's autorest send): bearer token
 * from ./credentials.ts, `value` + `nextLink` paging (src/cloud/json-api.ts page loop), 429/503 answered
 * after `Retry-After`, capped bodies, and one retry with a fresh credential after a 401.
 */
import { collectPages, requestWithBackoff } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient, HttpResponse } from "../../http/http-client.js";

export const COMPUTE_API_VERSION = "2023-03-01";
export const NETWORK_API_VERSION = "2022-11-01";
/** Both armnetwork's scale-set NIC call and 2.42's NIC-by-id call use this version. */
export const LEGACY_NETWORK_API_VERSION = "2018-10-01";

export interface ArmClientOptions {
  readonly client: HttpClient;
  /** ARM's base URL, `https://management.azure.com/`. */
  readonly baseUrl: string;
  /** A bearer token; `fresh` asks for a new credential (after a 401). */
  readonly token: (signal: AbortSignal, fresh: boolean) => Promise<string>;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** ARM's error text: `{"error": {"code", "message"}}`, else the start of the body. */
function armError(response: HttpResponse): string {
  const text = response.body.subarray(0, 512).toString("utf8");
  try {
    const parsed: unknown = JSON.parse(response.body.toString("utf8"));
    if (isRecord(parsed) && isRecord(parsed["error"])) return `${String(parsed["error"]["code"])}: ${String(parsed["error"]["message"])}`;
  } catch {
    // not JSON: show the text
  }
  return text.trim();
}

export class ArmClient {
  readonly #options: ArmClientOptions;
  constructor(options: ArmClientOptions) {
    this.#options = options;
  }

  /** `<base><path>?<query>` with the path's leading slash and the base's trailing one merged. */
  url(path: string, query: Record<string, string>): string {
    return `${this.#options.baseUrl.replace(/\/+$/, "")}${path}?${new URLSearchParams(query).toString()}`;
  }

  /** GET; undefined on 404 (a NIC that vanished between the listings). */
  async get(url: string, what: string, signal: AbortSignal): Promise<unknown> {
    const { client, timeoutMs, maxBodyBytes } = this.#options;
    let response: HttpResponse | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.#options.token(signal, attempt > 0);
      response = await requestWithBackoff(client, url, { mechanism: "azure", signal, timeoutMs, maxBodyBytes, headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
      if (response.status !== 401) break;
    }
    if (response === undefined) throw new Error("unreachable: no ARM response");
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `${what}: GET ${url}: HTTP ${response.status}: ${armError(response)}`);
    try {
      return JSON.parse(response.body.toString("utf8")) as unknown;
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${what}: GET ${url}: invalid JSON`, { cause: error });
    }
  }

  /** Every element of a list operation, following `nextLink`. */
  list(path: string, apiVersion: string, what: string, signal: AbortSignal): Promise<unknown[]> {
    return collectPages<unknown>(async (cursor) => {
      const url = cursor ?? this.url(path, { "api-version": apiVersion });
      const body = await this.get(url, what, signal);
      if (!isRecord(body) || !(Array.isArray(body["value"]) || body["value"] === undefined)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${what}: GET ${url}: not a list result`);
      const next = body["nextLink"];
      return { items: Array.isArray(body["value"]) ? body["value"] : [], next: typeof next === "string" && next !== "" ? next : undefined };
    }, { mechanism: "azure" });
  }
}

/** The resource group and last name of an ARM resource id (`arm.ParseResourceID`'s fields that Prometheus uses). */
export function parseResourceId(id: string): { resourceGroup: string; name: string } {
  const parts = id.split("/");
  if (!id.startsWith("/") || parts.length < 3 || parts[1]?.toLowerCase() !== "subscriptions" || (parts[2] ?? "") === "") {
    throw new SourceError("PROMSD_SOURCE_AZURE_RESOURCE_ID", `invalid ID '${id}': invalid resource ID`);
  }
  const groupIndex = parts.findIndex((part, i) => i > 2 && part.toLowerCase() === "resourcegroups");
  return { resourceGroup: groupIndex > 0 ? parts[groupIndex + 1] ?? "" : "", name: parts[parts.length - 1] ?? "" };
}

/** 2.42's own parser: exactly 9 or 11 segments, resource group and name lower-cased. */
export function parseResourceId242(id: string): { resourceGroup: string; name: string } {
  const parts = id.split("/");
  if (parts.length !== 9 && parts.length !== 11) throw new SourceError("PROMSD_SOURCE_AZURE_RESOURCE_ID", `invalid ID '${id}'. Refusing to create azureResource`);
  return { resourceGroup: (parts[4] ?? "").toLowerCase(), name: (parts[8] ?? "").toLowerCase() };
}
