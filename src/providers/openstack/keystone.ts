/**
 * Keystone v3 authentication as gophercloud does it for Prometheus: pick the v3 API from `identity_endpoint`
 * (a `/v3` suffix is taken as is, otherwise the version document at the endpoint's base is read), POST
 * `auth/tokens` with password (user id, or user name + domain) or application credentials, scoped the way
 * gophercloud scopes AuthOptions, and look service endpoints up in the token's catalog by type, region and
 * interface (`availability`). Unlike Prometheus, which authenticates on every refresh, the token is kept until
 * shortly before `expires_at` and dropped when a service answers 401, so a refresh re-authenticates only then.
 */
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import { requestWithBackoff } from "../../cloud/json-api.js";
import { Secret } from "../../config/secret.js";
import type { KeystoneCredentials, OpenStackAvailability } from "./config.js";

export interface CatalogEndpoint {
  readonly interface: string;
  readonly region: string;
  readonly regionId: string;
  readonly url: string;
}
export interface CatalogEntry {
  readonly type: string;
  readonly endpoints: readonly CatalogEndpoint[];
}
export interface KeystoneToken {
  readonly id: Secret;
  readonly expiresAtMs: number;
  readonly catalog: readonly CatalogEntry[];
}

/** Tokens this close to `expires_at` are not reused. */
const EXPIRY_MARGIN_MS = 60_000;

const withSlash = (url: string): string => (url.endsWith("/") ? url : `${url}/`);

/** gophercloud's BaseEndpoint: the endpoint without query and without its `v<N>` path segment onwards. */
function baseEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  url.search = "";
  url.hash = "";
  const version = /v[0-9.]+\/?/.exec(url.pathname);
  if (version) url.pathname = url.pathname.slice(0, version.index);
  return withSlash(url.href);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** The OS_* variables gophercloud's AuthOptionsFromEnv reads, used when `identity_endpoint` is empty. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): KeystoneCredentials {
  const get = (name: string): string => env[name] ?? "";
  const credentials: KeystoneCredentials = {
    identityEndpoint: get("OS_AUTH_URL"),
    username: get("OS_USERNAME"),
    userId: get("OS_USERID"),
    password: new Secret(get("OS_PASSWORD")),
    projectId: get("OS_PROJECT_ID") || get("OS_TENANT_ID"),
    projectName: get("OS_PROJECT_NAME") || get("OS_TENANT_NAME"),
    domainId: get("OS_DOMAIN_ID"),
    domainName: get("OS_DOMAIN_NAME"),
    applicationCredentialId: get("OS_APPLICATION_CREDENTIAL_ID"),
    applicationCredentialName: get("OS_APPLICATION_CREDENTIAL_NAME"),
    applicationCredentialSecret: new Secret(get("OS_APPLICATION_CREDENTIAL_SECRET")),
  };
  const fail = (message: string): never => {
    throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", message);
  };
  const hasAppCredential = credentials.applicationCredentialId !== "" || credentials.applicationCredentialName !== "";
  if (credentials.identityEndpoint === "") fail("Environment variable OS_AUTH_URL needs to be set.");
  if (credentials.userId === "" && credentials.username === "" && credentials.applicationCredentialId === "" && credentials.applicationCredentialSecret.isEmpty) {
    fail("Environment variable OS_USERNAME, OS_USERID, or OS_TOKEN needs to be set.");
  }
  if (credentials.password.isEmpty && !hasAppCredential) fail("Environment variable OS_PASSWORD needs to be set.");
  if (hasAppCredential && credentials.applicationCredentialSecret.isEmpty) fail("Environment variable OS_APPLICATION_CREDENTIAL_SECRET needs to be set.");
  return credentials;
}

type Json = Record<string, unknown>;

function userBody(c: KeystoneCredentials): Json {
  if (c.userId !== "") return { id: c.userId };
  if (c.username === "") throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", "You must provide a username or user ID to authenticate");
  if (c.domainId !== "") return { name: c.username, domain: { id: c.domainId } };
  if (c.domainName !== "") return { name: c.username, domain: { name: c.domainName } };
  throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", "You must provide exactly one of DomainID or DomainName to authenticate by Username");
}

/** gophercloud's implicit scope: project id, else project name within the domain, else unscoped. */
function scopeBody(c: KeystoneCredentials): Json | undefined {
  if (c.projectId !== "") return { project: { id: c.projectId } };
  if (c.projectName === "") return undefined;
  if (c.domainId !== "") return { project: { name: c.projectName, domain: { id: c.domainId } } };
  if (c.domainName !== "") return { project: { name: c.projectName, domain: { name: c.domainName } } };
  throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", "You must provide exactly one of DomainID or DomainName in a Scope with ProjectName");
}

/** The body of `POST /v3/auth/tokens` for these credentials. */
export function tokenRequestBody(c: KeystoneCredentials): Json {
  let identity: Json;
  if (c.applicationCredentialId !== "") {
    identity = { methods: ["application_credential"], application_credential: { id: c.applicationCredentialId, secret: c.applicationCredentialSecret.reveal() } };
  } else if (c.applicationCredentialName !== "") {
    identity = { methods: ["application_credential"], application_credential: { name: c.applicationCredentialName, user: userBody(c), secret: c.applicationCredentialSecret.reveal() } };
  } else {
    identity = { methods: ["password"], password: { user: { ...userBody(c), password: c.password.reveal() } } };
  }
  // Application credentials carry their own project: Keystone rejects a scope next to them.
  const scope = c.applicationCredentialId !== "" || c.applicationCredentialName !== "" ? undefined : scopeBody(c);
  return { auth: scope === undefined ? { identity } : { identity, scope } };
}

function parseCatalog(body: unknown): CatalogEntry[] {
  const token = isRecord(body) && isRecord(body["token"]) ? body["token"] : {};
  const entries = Array.isArray(token["catalog"]) ? token["catalog"] : [];
  return entries.filter(isRecord).map((entry) => ({
    type: text(entry["type"]),
    endpoints: (Array.isArray(entry["endpoints"]) ? entry["endpoints"] : []).filter(isRecord).map((e) => ({
      interface: text(e["interface"]), region: text(e["region"]), regionId: text(e["region_id"]), url: text(e["url"]),
    })),
  }));
}

export interface KeystoneOptions {
  readonly client: HttpClient;
  readonly credentials: KeystoneCredentials;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly now?: () => number;
}

export class Keystone {
  readonly #options: KeystoneOptions;
  #token: KeystoneToken | undefined;
  #tokensUrl: string | undefined;

  constructor(options: KeystoneOptions) {
    this.#options = options;
  }

  /** A token valid for now: the kept one, or a new one. */
  async token(signal: AbortSignal): Promise<KeystoneToken> {
    const now = (this.#options.now ?? Date.now)();
    if (this.#token && this.#token.expiresAtMs - EXPIRY_MARGIN_MS > now) return this.#token;
    const token = await this.#authenticate(signal);
    // A token that is (nearly) expired already is still used for this refresh, just not kept.
    this.#token = token.expiresAtMs - EXPIRY_MARGIN_MS > now ? token : undefined;
    return token;
  }

  /** Forgets the kept token (a service answered 401). */
  invalidate(): void {
    this.#token = undefined;
  }

  async #authenticate(signal: AbortSignal): Promise<KeystoneToken> {
    const body = JSON.stringify(tokenRequestBody(this.#options.credentials));
    const url = (this.#tokensUrl ??= `${await this.#v3Endpoint(signal)}auth/tokens`);
    const response = await requestWithBackoff(this.#options.client, url, {
      mechanism: "openstack", method: "POST", body, signal, timeoutMs: this.#options.timeoutMs, maxBodyBytes: this.#options.maxBodyBytes,
      headers: { "content-type": "application/json", accept: "application/json" },
    });
    if (response.status !== 201) {
      throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", `could not authenticate to OpenStack: Expected HTTP response code [201] when accessing [POST ${url}], but got ${response.status} instead`);
    }
    const id = response.headers["x-subject-token"] ?? "";
    if (id === "") throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", `could not authenticate to OpenStack: ${url} answered without X-Subject-Token`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `could not authenticate to OpenStack: ${url}: invalid JSON`, { cause: error });
    }
    const token = isRecord(parsed) && isRecord(parsed["token"]) ? parsed["token"] : {};
    const expiresAtMs = Date.parse(text(token["expires_at"]));
    return { id: new Secret(id), expiresAtMs: Number.isNaN(expiresAtMs) ? 0 : expiresAtMs, catalog: parseCatalog(parsed) };
  }

  /** gophercloud's ChooseVersion, limited to v3 (promsd does not speak Keystone v2). */
  async #v3Endpoint(signal: AbortSignal): Promise<string> {
    const endpoint = withSlash(this.#options.credentials.identityEndpoint);
    if (endpoint.endsWith("/v3/")) return endpoint;
    if (endpoint.endsWith("/v2.0/")) throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", "could not authenticate to OpenStack: Keystone v2.0 is not supported by promsd; use a v3 identity_endpoint");
    const base = baseEndpoint(endpoint);
    const response = await requestWithBackoff(this.#options.client, base, { mechanism: "openstack", signal, timeoutMs: this.#options.timeoutMs, maxBodyBytes: this.#options.maxBodyBytes, headers: { accept: "application/json" } });
    if (response.status !== 200 && response.status !== 300) {
      throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", `could not authenticate to OpenStack: Expected HTTP response code [200 300] when accessing [GET ${base}], but got ${response.status} instead`);
    }
    let document: unknown;
    try {
      document = JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `could not authenticate to OpenStack: ${base}: invalid version document`, { cause: error });
    }
    const versions = isRecord(document) && isRecord(document["versions"]) && Array.isArray(document["versions"]["values"]) ? document["versions"]["values"] : [];
    for (const version of versions.filter(isRecord)) {
      if (!text(version["id"]).includes("v3")) continue;
      const links = Array.isArray(version["links"]) ? version["links"].filter(isRecord) : [];
      const self = links.find((link) => link["rel"] === "self");
      const status = text(version["status"]).toLowerCase();
      if (self && ["current", "supported", "stable"].includes(status)) return withSlash(text(self["href"]));
    }
    throw new SourceError("PROMSD_SOURCE_OPENSTACK_AUTH", `could not authenticate to OpenStack: no supported identity API version at ${base}`);
  }
}

/** The service's URL from the catalog, as gophercloud's V3EndpointURL picks it (first match wins). */
export function serviceEndpoint(catalog: readonly CatalogEntry[], type: string, region: string, availability: OpenStackAvailability): string {
  for (const entry of catalog) {
    if (entry.type !== type) continue;
    const match = entry.endpoints.find((e) => e.interface === availability && (region === "" || e.region === region || e.regionId === region));
    if (match) return withSlash(match.url);
  }
  throw new SourceError("PROMSD_SOURCE_OPENSTACK_ENDPOINT", `could not create OpenStack ${type} session: No suitable endpoint could be found in the service catalog.`);
}
