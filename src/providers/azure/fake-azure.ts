/**
 * A loopback Azure for tests, over HTTPS (MSAL insists on an https authority): Azure AD (`GET
 * /<tenant>/v2.0/.well-known/openid-configuration`, `POST /<tenant>/oauth2/v2.0/token` as MSAL asks and
 * `POST /<tenant>/oauth2/token` as 2.42's adal asks), managed identity (IMDS `GET
 * /metadata/identity/oauth2/token` with `Metadata: true`, App Service `GET /msi/token` with
 * `X-IDENTITY-HEADER`) and Resource Manager (VMs and scale sets of a subscription or resource group, scale
 * set VMs, NICs by id with `$expand=IPConfigurations/PublicIPAddress`), paged with `nextLink`. ARM calls need
 * a token it issued that has not expired (401 otherwise). Faults can be queued per path prefix.
 */
import { writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestBody } from "../../http/test-support.js";
import { startTlsFake, type TlsFake } from "../../testing/cloud/tls-fake.js";

export interface FakeAzureData {
  vms: Record<string, unknown>[];
  scaleSets: { id: string; name: string; vms: Record<string, unknown>[] }[];
  /** By id; lookups are case-insensitive as ARM's are. */
  nics: Record<string, unknown>[];
}

export interface FakeAzureFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface FakeAzure {
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly data: FakeAzureData;
  /** `METHOD path?query` of every request. */
  readonly requests: string[];
  /** Parsed form bodies of token requests, and which flow asked (`v2`, `v1`, `imds`, `appservice`). */
  readonly tokenRequests: { flow: string; params: Record<string, string> }[];
  pageSize: number;
  tokenLifetimeSeconds: number;
  failNext(pathPrefix: string, fault: FakeAzureFault, times?: number): void;
  /** Every issued token stops working (ARM answers 401). */
  revokeTokens(): void;
  /** Writes go-autorest's environment file pointing at this fake and returns its path. */
  writeEnvironmentFile(path: string): string;
  close(): Promise<void>;
}

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
const RG = "RG-One";
const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`;
const nicId = (name: string): string => `${group}/providers/Microsoft.Network/networkInterfaces/${name}`;

function vm(name: string, nics: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `${group}/providers/Microsoft.Compute/virtualMachines/${name}`, name, type: "Microsoft.Compute/virtualMachines", location: "westeurope",
    tags: { team: "a", "prometheus.io/scrape": "true" },
    properties: {
      hardwareProfile: { vmSize: "Standard_B1s" }, osProfile: { computerName: `${name}-host` }, storageProfile: { osDisk: { osType: "Linux" } },
      networkProfile: { networkInterfaces: nics.map((id, i) => ({ id, properties: { primary: i === 0 } })) },
      instanceView: { statuses: [{ code: "PowerState/running" }] },
    },
    ...extra,
  };
}

function nic(id: string, privateIp: string | undefined, options: { primary?: boolean | undefined; publicIp?: string } = {}): Record<string, unknown> {
  const ip: Record<string, unknown> = privateIp === undefined ? {} : { privateIPAddress: privateIp };
  if (options.publicIp) ip["publicIPAddress"] = { id: `${group}/providers/Microsoft.Network/publicIPAddresses/pip-${privateIp}`, properties: { ipAddress: options.publicIp } };
  const properties: Record<string, unknown> = { ipConfigurations: [{ name: "ipconfig1", properties: ip }] };
  if (options.primary !== undefined) properties["primary"] = options.primary;
  return { id, name: id.split("/").pop(), properties };
}

/** A subscription with what discovery must tell apart: public IPs, secondary NICs, a deallocated VM, a vanished NIC, a scale set. */
export function fakeAzureData(): FakeAzureData {
  const ssId = `${group}/providers/Microsoft.Compute/virtualMachineScaleSets/web-ss`;
  const ssNic = (i: number): string => `${ssId}/virtualMachines/${i}/networkInterfaces/web-ss-nic`;
  const ssVm = (i: number): Record<string, unknown> => ({ ...vm(`web-ss_${i}`, [ssNic(i)]), id: `${ssId}/virtualMachines/${i}`, instanceId: String(i), tags: { tier: "web" } });
  return {
    vms: [
      vm("vm-public", [nicId("nic-public")]),
      vm("vm-two-nics", [nicId("nic-secondary"), nicId("nic-primary")], { tags: { "odd key-name": "x" } }),
      vm("vm-deallocated", [nicId("nic-deallocated")]),
      vm("vm-nic-gone", [nicId("nic-gone")]),
      vm("vm-windows", [nicId("nic-windows")], { location: "northeurope", tags: null }),
    ],
    scaleSets: [{ id: ssId, name: "web-ss", vms: [ssVm(0), ssVm(1)] }],
    nics: [
      nic(nicId("nic-public"), "10.0.0.4", { primary: true, publicIp: "20.1.2.3" }),
      nic(nicId("nic-secondary"), "10.0.1.5", { primary: false }),
      nic(nicId("nic-primary"), "10.0.0.5", { primary: true }),
      nic(nicId("nic-deallocated"), "10.0.0.6"),
      nic(nicId("nic-windows"), "10.0.0.7", { primary: true }),
      nic(ssNic(0), "10.0.2.4", { primary: true, publicIp: "20.1.2.4" }),
      nic(ssNic(1), "10.0.2.5", { primary: true }),
    ],
  };
}

/** Without `$expand`, ARM returns a NIC's public IP as a bare reference (which is all 2.42 ever sees). */
function withoutPublicIpProperties(value: Record<string, unknown>): unknown {
  const copy = structuredClone(value);
  const configs = (copy["properties"] as { ipConfigurations?: { properties?: { publicIPAddress?: { id: string } } }[] } | undefined)?.ipConfigurations ?? []; // our own NIC shape
  for (const config of configs) if (config.properties?.publicIPAddress) config.properties.publicIPAddress = { id: config.properties.publicIPAddress.id };
  return copy;
}

export async function startFakeAzure(dir: string, data: FakeAzureData = fakeAzureData()): Promise<FakeAzure> {
  const requests: string[] = [];
  const tokenRequests: { flow: string; params: Record<string, string> }[] = [];
  const faults: { prefix: string; fault: FakeAzureFault; left: number }[] = [];
  const tokens = new Map<string, number>();
  let issued = 0;
  let origin = "";
  const json = (response: ServerResponse, status: number, body: unknown): void => void response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const issue = (): { token: string; expiresOn: number } => {
    const token = `azure-token-${++issued}`;
    const expiresOn = Math.floor(Date.now() / 1000) + fake.tokenLifetimeSeconds;
    tokens.set(token, expiresOn * 1000);
    return { token, expiresOn };
  };
  const page = (response: ServerResponse, url: URL, items: unknown[]): void => {
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const next = new URL(url.href);
    next.searchParams.set("$skiptoken", String(skip + fake.pageSize));
    json(response, 200, { value: items.slice(skip, skip + fake.pageSize), ...(skip + fake.pageSize < items.length ? { nextLink: next.href } : {}) });
  };

  function arm(url: URL, response: ServerResponse): void {
    const path = url.pathname.toLowerCase();
    const inScope = (id: string, scope: string): boolean => id.toLowerCase().startsWith(scope);
    const listing = /^(\/subscriptions\/[^/]+(?:\/resourcegroups\/[^/]+)?)\/providers\/microsoft\.compute\/(virtualmachines|virtualmachinescalesets)$/.exec(path);
    if (listing) {
      const [, scope = "", kind] = listing;
      return page(response, url, kind === "virtualmachines" ? data.vms.filter((v) => inScope(String(v["id"]), scope)) : data.scaleSets.filter((s) => inScope(s.id, scope)).map(({ id, name }) => ({ id, name, location: "westeurope" })));
    }
    const members = /^(.*\/microsoft\.compute\/virtualmachinescalesets\/[^/]+)\/virtualmachines$/.exec(path);
    const scaleSet = members && data.scaleSets.find((s) => s.id.toLowerCase() === members[1]);
    if (scaleSet) return page(response, url, scaleSet.vms);
    const found = data.nics.find((n) => String(n["id"]).toLowerCase() === path);
    if (found === undefined) return json(response, 404, { error: { code: "NotFound", message: `Resource ${url.pathname} not found.` } });
    json(response, 200, url.searchParams.get("$expand") === "IPConfigurations/PublicIPAddress" ? found : withoutPublicIpProperties(found));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await requestBody(request);
    const url = new URL(request.url ?? "/", origin);
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const fault = faults.find((f) => f.left > 0 && url.pathname.startsWith(f.prefix));
    if (fault) {
      fault.left--;
      return void response.writeHead(fault.fault.status, fault.fault.headers ?? {}).end(fault.fault.body ?? "");
    }
    const tenantPath = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|oauth2\/token)$/.exec(url.pathname);
    if (tenantPath) {
      const [, tenant = "", what] = tenantPath;
      if (what?.startsWith("v2.0/")) {
        const base = `${origin}/${tenant}`;
        return json(response, 200, { token_endpoint: `${base}/oauth2/v2.0/token`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, end_session_endpoint: `${base}/oauth2/v2.0/logout`, issuer: `${base}/v2.0`, jwks_uri: `${base}/discovery/v2.0/keys` });
      }
      const params = Object.fromEntries(new URLSearchParams(body));
      const flow = what === "oauth2/token" ? "v1" : "v2";
      tokenRequests.push({ flow, params });
      if (params["client_secret"] !== "secret") return json(response, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
      const { token, expiresOn } = issue();
      const lifetime = fake.tokenLifetimeSeconds;
      return json(response, 200, flow === "v1"
        ? { token_type: "Bearer", access_token: token, expires_in: String(lifetime), ext_expires_in: String(lifetime), expires_on: String(expiresOn), not_before: String(expiresOn - lifetime), resource: params["resource"] ?? "" }
        : { token_type: "Bearer", access_token: token, expires_in: lifetime, ext_expires_in: lifetime });
    }
    // MSAL appends the IMDS path to AZURE_POD_IDENTITY_AUTHORITY_HOST with a trailing slash.
    if (/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname) || url.pathname === "/msi/token") {
      const flow = url.pathname === "/msi/token" ? "appservice" : "imds";
      tokenRequests.push({ flow, params: Object.fromEntries(url.searchParams) });
      const authorized = flow === "imds" ? request.headers["metadata"] === "true" : request.headers["x-identity-header"] === "identity-secret";
      if (!authorized) return json(response, 400, { error: "invalid_request", error_description: "Required metadata header not specified" });
      const { token, expiresOn } = issue();
      return json(response, 200, { access_token: token, expires_in: String(fake.tokenLifetimeSeconds), expires_on: String(expiresOn), resource: url.searchParams.get("resource") ?? "", token_type: "Bearer", client_id: url.searchParams.get("client_id") ?? "system" });
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      return json(response, 401, { error: { code: expiresAt === undefined ? "InvalidAuthenticationToken" : "ExpiredAuthenticationToken", message: "The access token is invalid or has expired." } });
    }
    arm(url, response);
  }

  const server: TlsFake = await startTlsFake(dir, ["127.0.0.1", "management.azure.com", "login.microsoftonline.com"], (request, response) => void handle(request, response).catch(() => response.destroy()));
  origin = server.origin;
  const fake: FakeAzure = {
    url: origin, port: server.port, caFile: server.certs.caFile, data, requests, tokenRequests, pageSize: 100, tokenLifetimeSeconds: 3600,
    failNext: (prefix, fault, times = 1) => void faults.push({ prefix, fault, left: times }),
    revokeTokens: () => tokens.clear(),
    writeEnvironmentFile: (path) => {
      writeFileSync(path, JSON.stringify({ name: "AzureStackCloud", resourceManagerEndpoint: `${origin}/`, activeDirectoryEndpoint: `${origin}/`, tokenAudience: `${origin}/` }));
      return path;
    },
    close: () => server.close(),
  };
  return fake;
}
