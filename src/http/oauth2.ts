/**
 * OAuth 2.0 client-credentials tokens (spec common.md 6, `oauth2`): POST to `token_url` with the client id
 * and secret as basic auth, cache the token until 10 s before it expires (golang.org/x/oauth2's expiryDelta),
 * fetch a new one when the secret file's content changes.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import type { OAuth2Config } from "../config/http-client.js";
import { SourceError } from "../errors.js";
import type { DialTracker } from "./conntrack.js";
import { createProxySelector } from "./proxy.js";
import { Transport } from "./transport.js";

const EXPIRY_DELTA_MS = 10_000;
const MAX_TOKEN_RESPONSE_BYTES = 1 << 20;

interface CachedToken {
  readonly header: string;
  readonly expiresAtMs: number;
  readonly secret: string;
}

async function readCapped(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer; // an IncomingMessage without encoding yields Buffers
    size += buffer.length;
    if (size > MAX_TOKEN_RESPONSE_BYTES) {
      response.destroy();
      throw new SourceError("PROMSD_SOURCE_HTTP_TOO_LARGE", "oauth2: token response larger than 1MiB");
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

export class OAuth2TokenSource {
  readonly #config: OAuth2Config;
  readonly #transport: Transport;
  #cached: CachedToken | undefined;
  #pending: Promise<CachedToken> | undefined;

  constructor(config: OAuth2Config, dials: DialTracker) {
    this.#config = config;
    this.#transport = new Transport({
      tls: config.tlsConfig,
      selectProxy: createProxySelector(config),
      proxyConnectHeader: config.proxyConnectHeader,
      dials,
    });
  }

  /** The `Authorization` header value, from cache or a fresh token request. */
  async authorization(signal: AbortSignal): Promise<string> {
    const secret = await this.#secret();
    const cached = this.#cached;
    if (cached !== undefined && cached.secret === secret && Date.now() < cached.expiresAtMs - EXPIRY_DELTA_MS) return cached.header;
    this.#pending ??= this.#fetch(secret, signal).finally(() => {
      this.#pending = undefined;
    });
    this.#cached = await this.#pending;
    return this.#cached.header;
  }

  close(): void {
    this.#transport.close();
  }

  async #secret(): Promise<string> {
    if (this.#config.clientSecretFile === "") return this.#config.clientSecret.reveal();
    try {
      return (await readFile(this.#config.clientSecretFile, "utf8")).trim();
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_HTTP_CREDENTIALS", `unable to read oauth2 client secret file ${this.#config.clientSecretFile}`, { cause: error });
    }
  }

  async #fetch(secret: string, signal: AbortSignal): Promise<CachedToken> {
    const form = [["grant_type", "client_credentials"]];
    if (this.#config.scopes.length > 0) form.push(["scope", this.#config.scopes.join(" ")]);
    for (const [key, value] of this.#config.endpointParams) form.push([key, value]);
    const body = Buffer.from(form.map(([k = "", v = ""]) => `${formEncode(k)}=${formEncode(v)}`).join("&"));
    const basic = Buffer.from(`${formEncode(this.#config.clientId)}:${formEncode(secret)}`).toString("base64");
    const url = new URL(this.#config.tokenUrl);
    const response = await this.#transport.roundTrip({
      url,
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length) },
      body,
      signal,
    });
    const text = (await readCapped(response)).toString("utf8");
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      throw new SourceError("PROMSD_SOURCE_HTTP_OAUTH2", `oauth2: cannot fetch token: ${status} ${response.statusMessage ?? ""}`.trimEnd());
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_HTTP_OAUTH2", "oauth2: cannot parse token response", { cause: error });
    }
    const fields = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {}; // JSON object from the token endpoint
    const token = typeof fields["access_token"] === "string" ? fields["access_token"] : "";
    if (token === "") throw new SourceError("PROMSD_SOURCE_HTTP_OAUTH2", "oauth2: server response missing access_token");
    const rawType = typeof fields["token_type"] === "string" ? fields["token_type"] : "";
    // golang.org/x/oauth2 Token.Type(): empty and any-case "bearer" become "Bearer".
    const type = rawType === "" || rawType.toLowerCase() === "bearer" ? "Bearer" : rawType;
    const expiresIn = Number(fields["expires_in"] ?? 0);
    const expiresAtMs = Number.isFinite(expiresIn) && expiresIn > 0 ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    return { header: `${type} ${token}`, expiresAtMs, secret };
  }
}
