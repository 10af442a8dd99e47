/**
 * Authenticated, paged reads of OpenStack collections (Nova, Neutron, Octavia): `X-Auth-Token` from
 * ./keystone.ts, 429/503 answered with backoff (src/cloud/json-api.ts), a 401 answered by one
 * re-authentication, and the `<collection>_links` `rel: next` links followed as gophercloud's linked pager
 * does (Nova and Neutron put the marker into that link), until a page is empty or has no next link.
 */
import { collectPages, requestWithBackoff } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { Keystone, KeystoneToken } from "./keystone.js";

export interface OpenStackApiOptions {
  readonly client: HttpClient;
  readonly keystone: Keystone;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export class OpenStackApi {
  readonly #options: OpenStackApiOptions;
  constructor(options: OpenStackApiOptions) {
    this.#options = options;
  }

  token(signal: AbortSignal): Promise<KeystoneToken> {
    return this.#options.keystone.token(signal);
  }

  /** Every element of `collection` under `url`, across pages. `what` names the list in errors. */
  async list(url: string, collection: string, what: string, signal: AbortSignal): Promise<unknown[]> {
    return collectPages<unknown>(async (cursor) => {
      const body = await this.#get(cursor ?? url, what, signal);
      if (!isRecord(body)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${what}: ${url}: not a JSON object`);
      const items = body[collection];
      if (!Array.isArray(items)) {
        if (items === undefined || items === null) return { items: [], next: undefined };
        throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${what}: ${url}: "${collection}" is not a list`);
      }
      return { items, next: items.length === 0 ? undefined : nextLink(body, collection) };
    }, { mechanism: "openstack" });
  }

  async #get(url: string, what: string, signal: AbortSignal): Promise<unknown> {
    const { client, keystone, timeoutMs, maxBodyBytes } = this.#options;
    let response;
    for (let attempt = 0; ; attempt++) {
      const token = await keystone.token(signal);
      response = await requestWithBackoff(client, url, {
        mechanism: "openstack", signal, timeoutMs, maxBodyBytes, headers: { accept: "application/json", "x-auth-token": token.id.reveal() },
      });
      if (response.status !== 401 || attempt > 0) break;
      keystone.invalidate(); // the kept token expired or was revoked early: authenticate once more
    }
    if (response.status !== 200) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `${what}: Expected HTTP response code [200] when accessing [GET ${url}], but got ${response.status} instead`);
    }
    try {
      return JSON.parse(response.body.toString("utf8")) as unknown;
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${what}: ${url}: invalid JSON`, { cause: error });
    }
  }
}

function nextLink(body: Record<string, unknown>, collection: string): string | undefined {
  const links = body[`${collection}_links`];
  if (!Array.isArray(links)) return undefined;
  for (const link of links) {
    if (isRecord(link) && link["rel"] === "next" && typeof link["href"] === "string" && link["href"] !== "") return link["href"];
  }
  return undefined;
}
