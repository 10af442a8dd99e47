/**
 * A loopback Google Cloud for tests: one HTTPS fake (its certificate valid for compute.googleapis.com,
 * oauth2.googleapis.com, www.googleapis.com and 127.0.0.1; reach it through src/testing/cloud/connect-proxy.ts)
 * serving the OAuth2 token endpoint (`POST /token`, the JWT-bearer grant a service-account key makes) and
 * Compute Engine's `GET /compute/v1/projects/<p>/zones/<z>/instances` paged by `pageToken`; and a plain-HTTP
 * metadata server (`/computeMetadata/v1/...` with `Metadata-Flavor: Google`) for GCE_METADATA_HOST. The list
 * needs a token one of them issued. Also writes service-account key files with a fresh RSA key.
 */
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestBody, startServer, type TestServer } from "../../http/test-support.js";
import { startTlsFake, type TlsFake } from "../../testing/cloud/tls-fake.js";

export const GCE_HOSTS = ["compute.googleapis.com", "oauth2.googleapis.com", "www.googleapis.com"] as const;

export interface FakeGceFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface FakeGce {
  /** The HTTPS fake's loopback port (the proxy's target). */
  readonly port: number;
  readonly url: string;
  readonly caFile: string;
  /** `host:port` of the plain-HTTP metadata server, for GCE_METADATA_HOST. */
  readonly metadataHost: string;
  readonly metadataPort: number;
  instances: unknown[];
  pageSize: number;
  tokenLifetimeSeconds: number;
  /** `METHOD host path?query` of every API and token request. */
  readonly requests: string[];
  /** Decoded JWT claims of service-account token requests, and `metadata` for metadata-server tokens. */
  readonly tokenRequests: (Record<string, unknown> | "metadata")[];
  failNext(pathPrefix: string, fault: FakeGceFault, times?: number): void;
  revokeTokens(): void;
  /** A service-account key file whose `token_uri` is `tokenUri` (default: this fake's loopback /token). */
  writeServiceAccountFile(path: string, tokenUri?: string): string;
  close(): Promise<void>;
}

const zoneUrl = (project: string, zone: string): string => `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`;

/** Instances of project `p1`, zone `europe-west1-b`: what labelling must tell apart. */
export function fakeGceInstances(project = "p1", zone = "europe-west1-b"): unknown[] {
  const z = zoneUrl(project, zone);
  const net = (name: string): string => `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${name}`;
  const subnet = (name: string): string => `https://www.googleapis.com/compute/v1/projects/${project}/regions/europe-west1/subnetworks/${name}`;
  return [
    {
      id: "1234567890123456789", name: "web-1", zone: z, status: "RUNNING", machineType: `${z}/machineTypes/e2-small`,
      networkInterfaces: [
        { name: "nic0", network: net("default"), subnetwork: subnet("default"), networkIP: "10.132.0.2", accessConfigs: [{ type: "ONE_TO_ONE_NAT", name: "External NAT", natIP: "34.76.1.2" }] },
        { name: "nic1", network: net("backend"), subnetwork: subnet("backend"), networkIP: "10.10.0.2" },
      ],
      tags: { items: ["http-server", "prod"] },
      metadata: { items: [{ key: "startup-script", value: "echo hi" }, { key: "empty", value: "" }, { key: "gone", value: null }] },
      labels: { env: "prod", "team-name": "a" },
    },
    { id: "42", name: "db-1", zone: z, status: "TERMINATED", machineType: `${z}/machineTypes/n2-standard-4`, networkInterfaces: [{ name: "nic0", network: net("default"), subnetwork: subnet("default"), networkIP: "10.132.0.3", accessConfigs: [{ type: "DIRECT_IPV6", name: "v6" }] }] },
    { id: "43", name: "no-network", zone: z, status: "RUNNING", machineType: `${z}/machineTypes/e2-micro` },
    { id: "44", name: "worker-1", zone: z, status: "RUNNING", machineType: `${z}/machineTypes/e2-micro`, networkInterfaces: [{ name: "nic0", network: net("default"), networkIP: "10.132.0.4" }], tags: { items: [] }, metadata: {} },
  ];
}

function jwtClaims(assertion: string): Record<string, unknown> {
  const payload = assertion.split(".")[1] ?? "";
  try {
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>; // a JWT payload object
  } catch {
    return {};
  }
}

export async function startFakeGce(dir: string, instances: unknown[] = fakeGceInstances()): Promise<FakeGce> {
  const requests: string[] = [];
  const tokenRequests: (Record<string, unknown> | "metadata")[] = [];
  const faults: { prefix: string; fault: FakeGceFault; left: number }[] = [];
  let tokens = new Map<string, number>();
  let issued = 0;
  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => void response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  const issue = (): { access_token: string; expires_in: number; token_type: string } => {
    const token = `ya29.fake-${++issued}`;
    tokens.set(token, Date.now() + fake.tokenLifetimeSeconds * 1000);
    return { access_token: token, expires_in: fake.tokenLifetimeSeconds, token_type: "Bearer" };
  };

  async function handleApi(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await requestBody(request);
    const url = new URL(request.url ?? "/", "https://fake");
    requests.push(`${request.method} ${request.headers.host ?? ""} ${url.pathname}${url.search}`);
    const fault = faults.find((f) => f.left > 0 && url.pathname.startsWith(f.prefix));
    if (fault) {
      fault.left--;
      return void response.writeHead(fault.fault.status, fault.fault.headers ?? {}).end(fault.fault.body ?? "");
    }
    if (url.pathname === "/token" && request.method === "POST") {
      const params = new URLSearchParams(body);
      tokenRequests.push(jwtClaims(params.get("assertion") ?? ""));
      if (params.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return json(response, 400, { error: "unsupported_grant_type" });
      return json(response, 200, issue());
    }
    const list = /^\/compute\/v1\/projects\/([^/]+)\/zones\/([^/]+)\/instances$/.exec(url.pathname);
    if (list === null) return json(response, 404, { error: { code: 404, message: `no route ${url.pathname}` } });
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= Date.now()) return json(response, 401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } });
    const start = Number(url.searchParams.get("pageToken") ?? "0");
    const page = fake.instances.slice(start, start + fake.pageSize);
    const more = start + fake.pageSize < fake.instances.length;
    json(response, 200, { kind: "compute#instanceList", id: `projects/${list[1]}/zones/${list[2]}/instances`, items: page, ...(more ? { nextPageToken: String(start + fake.pageSize) } : {}) });
  }

  function handleMetadata(request: IncomingMessage, response: ServerResponse): void {
    const flavor = { "metadata-flavor": "Google" };
    if (request.headers["metadata-flavor"] !== "Google") return void response.writeHead(403, flavor).end("missing Metadata-Flavor");
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      tokenRequests.push("metadata");
      return json(response, 200, issue(), flavor);
    }
    if (path === "/computeMetadata/v1/project/project-id") return void response.writeHead(200, { ...flavor, "content-type": "application/text" }).end("p1");
    if (path === "/computeMetadata/v1/instance" || path === "/computeMetadata/v1/instance/") return void response.writeHead(200, { ...flavor, "content-type": "application/text" }).end("");
    response.writeHead(404, flavor).end("not found");
  }

  const api: TlsFake = await startTlsFake(dir, [...GCE_HOSTS], (request, response) => void handleApi(request, response).catch(() => response.destroy()));
  const metadata: TestServer = await startServer(handleMetadata);
  const fake: FakeGce = {
    port: api.port, url: api.origin, caFile: api.certs.caFile, metadataHost: `127.0.0.1:${metadata.port}`, metadataPort: metadata.port,
    instances, pageSize: 500, tokenLifetimeSeconds: 3600, requests, tokenRequests,
    failNext: (prefix, fault, times = 1) => void faults.push({ prefix, fault, left: times }),
    revokeTokens: () => void (tokens = new Map()),
    writeServiceAccountFile: (path, tokenUri = `${api.origin}/token`) => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      writeFileSync(path, JSON.stringify({ type: "service_account", project_id: "p1", private_key_id: "k1", private_key: key, client_email: "sd@p1.iam.gserviceaccount.com", client_id: "1", token_uri: tokenUri }));
      return path;
    },
    close: async () => {
      await Promise.all([api.close(), metadata.close()]);
    },
  };
  return fake;
}
