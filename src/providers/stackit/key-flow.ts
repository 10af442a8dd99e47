/**
 * STACKIT's service-account key flow, as stackit-sdk-go core 0.26 (the SDK Prometheus uses) runs it:
 * the service account key (JSON) names `credentials.{iss, sub, aud, kid}` and optionally the private key
 * and `tokenEndpoint`; a self-signed RS512 JWT (`iss`, `sub`, `jti`, `aud`, `iat`, `exp` = +1 h, header
 * `kid`) is POSTed form-encoded (`assertion=…&grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`) to
 * the token endpoint; the answer's `access_token` is used as a Bearer token until 5 s before its JWT `exp`,
 * then renewed with the `refresh_token` grant while that token is valid, else with a new assertion.
 * https://docs.stackit.cloud/stackit/en/key-flow-for-service-account-access-tokens
 */
import { createPrivateKey, randomUUID, sign, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { GoStruct } from "../../cloud/go-json.js";
import { fetchJson } from "../../cloud/json-api.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { StackitKeyConfig } from "./config.js";

export const STACKIT_TOKEN_API = "https://service-account.api.stackit.cloud/token";
const EXPIRY_LEEWAY_MS = 5_000;
const UUID = /^(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

function fail(message: string, cause?: unknown): never {
  throw new SourceError("PROMSD_SOURCE_STACKIT_AUTH", message, cause === undefined ? undefined : { cause });
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

/** A JWT's `exp` in ms, read without verifying (as the SDK does); throws on a token that is not a JWT. */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) fail("check access token is expired: parse token: token is malformed: token contains an invalid number of segments");
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as unknown;
    const exp = GoStruct.of(claims, "jwt.RegisteredClaims").raw("exp");
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch (error) {
    if (error instanceof SourceError) throw error;
    return fail(`check access token is expired: parse token: token is malformed: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function isExpired(token: string, nowMs: number): boolean {
  if (token === "") return true;
  const expiry = jwtExpiryMs(token);
  return expiry === undefined || nowMs + EXPIRY_LEEWAY_MS > expiry;
}

interface ServiceAccountKey {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly kid: string;
  readonly embeddedPrivateKey: string;
  readonly tokenEndpoint: string;
}

function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    const pemHint = text.startsWith("-----BEGIN") ? " - it seems like the provided service account key is in PEM format. Please provide it in JSON format." : "";
    return fail(`unmarshalling service account key: ${error instanceof Error ? error.message : String(error)}${pemHint}`, error);
  }
  const key = GoStruct.of(json, "clients.ServiceAccountKeyResponse");
  const credentials = key.struct("credentials", "clients.ServiceAccountKeyCredentials");
  for (const [struct, field] of [[key, "id"], [credentials, "sub"]] as const) {
    if (struct.has(field) && !UUID.test(struct.string(field))) fail(`unmarshalling service account key: invalid UUID ${JSON.stringify(struct.string(field))} in ${field}`);
  }
  return { iss: credentials.string("iss"), sub: credentials.string("sub"), aud: credentials.string("aud"), kid: credentials.string("kid"), embeddedPrivateKey: credentials.string("privateKey"), tokenEndpoint: credentials.string("tokenEndpoint") };
}

/** The SDK's getKey order: the value, its path, the environment, the credentials file. */
async function findKey(value: string, path: string, envPath: string, envValue: string, credentialsFile: string): Promise<string> {
  let keyPath = path;
  if (value !== "") return value;
  if (keyPath === "") {
    const fromEnvPath = process.env[envPath] ?? "";
    const fromEnv = process.env[envValue] ?? "";
    if (fromEnvPath === "" && fromEnv === "") {
      const file = credentialsFile !== "" ? credentialsFile : join(homedir(), ".stackit", "credentials.json");
      const credentials = GoStruct.of(JSON.parse(await readFile(file, "utf8").catch((error: unknown) => fail(`reading from credentials file: ${error instanceof Error ? error.message : String(error)}`, error))) as unknown, "map[string]any");
      keyPath = credentials.string(envPath);
      if (keyPath === "") {
        const inline = credentials.string(envValue);
        if (inline === "") fail("neither key nor path is provided in the configuration, environment variable, or credentials file");
        return inline;
      }
    } else if (fromEnvPath === "") {
      return fromEnv;
    } else {
      keyPath = fromEnvPath;
    }
  }
  const text = await readFile(keyPath, "utf8").catch((error: unknown) => fail(`reading key from file path: ${error instanceof Error ? error.message : String(error)}`, error));
  if (text === "") fail("key path points to an empty file");
  return text;
}

export class StackitKeyFlow {
  #accessToken = "";
  #refreshToken = "";

  private constructor(
    readonly key: ServiceAccountKey,
    readonly privateKey: KeyObject,
    readonly tokenUrl: string,
    readonly client: HttpClient,
    readonly now: () => number,
  ) {}

  /** Loads the key material (the SDK does it when the discoverer is created). */
  static async load(config: StackitKeyConfig, client: HttpClient, now: () => number = Date.now): Promise<StackitKeyFlow> {
    const keyText = await findKey(config.serviceAccountKey.reveal(), config.serviceAccountKeyPath, "STACKIT_SERVICE_ACCOUNT_KEY_PATH", "STACKIT_SERVICE_ACCOUNT_KEY", config.credentialsFilePath)
      .catch((error: unknown) => fail(`configuring key authentication: service account key could not be found: ${error instanceof Error ? error.message : String(error)}`, error));
    const key = parseServiceAccountKey(keyText);
    let pem: string;
    try {
      pem = await findKey(config.privateKey.reveal(), config.privateKeyPath, "STACKIT_PRIVATE_KEY_PATH", "STACKIT_PRIVATE_KEY", config.credentialsFilePath);
    } catch (error) {
      if (key.embeddedPrivateKey === "") fail(`configuring key authentication: private key is not part of the service account key and could not be found: ${error instanceof Error ? error.message : String(error)}`, error);
      pem = key.embeddedPrivateKey;
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch (error) {
      return fail(`parse private key from PEM file: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (privateKey.asymmetricKeyType !== "rsa") fail("parse private key from PEM file: key is not a valid RSA private key");
    const tokenUrl = process.env.STACKIT_TOKEN_BASEURL ?? (key.tokenEndpoint !== "" ? key.tokenEndpoint : STACKIT_TOKEN_API);
    return new StackitKeyFlow(key, privateKey, tokenUrl, client, now);
  }

  /** The self-signed assertion (RS512). */
  assertion(): string {
    const nowSeconds = Math.floor(this.now() / 1000);
    const header = { alg: "RS512", kid: this.key.kid, typ: "JWT" };
    const claims = { aud: this.key.aud, exp: nowSeconds + 3600, iat: nowSeconds, iss: this.key.iss, jti: randomUUID(), sub: this.key.sub };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64url(sign("RSA-SHA512", Buffer.from(signingInput), this.privateKey))}`;
  }

  /** A valid access token, from cache or the token endpoint. */
  async accessToken(signal: AbortSignal): Promise<string> {
    if (!isExpired(this.#accessToken, this.now())) return this.#accessToken;
    const useRefresh = !isExpired(this.#refreshToken, this.now());
    // url.Values.Encode sorts by key: assertion (or refresh_token) after grant_type only alphabetically.
    const form = useRefresh
      ? new URLSearchParams([["grant_type", "refresh_token"], ["refresh_token", this.#refreshToken]])
      : new URLSearchParams([["assertion", this.assertion()], ["grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"]]);
    const body = await fetchJson(this.client, this.tokenUrl, {
      mechanism: "stackit",
      method: "POST",
      body: form.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      signal,
      maxRetries: 0,
    }).catch((error: unknown) => fail(`get new access token: ${error instanceof Error ? error.message : String(error)}`, error));
    const token = GoStruct.of(body, "clients.TokenResponseBody");
    this.#accessToken = token.string("access_token");
    this.#refreshToken = token.string("refresh_token");
    return this.#accessToken;
  }
}
