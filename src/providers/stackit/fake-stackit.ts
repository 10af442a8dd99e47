/**
 * A loopback STACKIT API for tests: the service-account token endpoint (`POST /token`), which verifies the
 * RS512 assertion with the test key's public half and checks its claims, issues short-lived JWT access
 * tokens and refresh tokens; and the IaaS `GET /v1/projects/<project>/servers?details=true`, which wants a
 * token it issued (or the static bearer token). Prometheus's mock answer (./fixtures/servers.json) is the
 * default list. Faults come from ../../testing/cloud/api-fake.ts.
 */
import { generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { startApiFake, type ApiFake, type FakeAnswer, type FakeRequest } from "../../testing/cloud/api-fake.js";

export const TEST_PROJECT = "00000000-0000-0000-0000-000000000000";
/** Prometheus's mock_test.go token, accepted as a static bearer token. */
export const TEST_STATIC_TOKEN = "LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj";

export function prometheusServers(): unknown {
  return JSON.parse(readFileSync(new URL("./fixtures/servers.json", import.meta.url), "utf8")) as unknown;
}

export interface FakeStackit extends ApiFake {
  servers: unknown;
  /** Lifetime of issued access tokens (s). */
  accessTokenSeconds: number;
  readonly grants: string[];
  readonly refusedTokens: string[];
  /** A service account key JSON for this fake (its token endpoint, the test key's kid/iss/sub/aud). */
  serviceAccountKey(options?: { embedPrivateKey?: boolean }): string;
  readonly privateKeyPem: string;
}

const CREDENTIALS = Object.freeze({
  // The key of Prometheus's server_test.go.
  aud: "https://stackit-service-account-prod.apps.01.cf.eu01.stackit.cloud",
  iss: "stackit@sa.stackit.cloud",
  kid: "123e4567-e89b-12d3-a456-426614174000",
  sub: "123e4567-e89b-12d3-a456-426614174001",
});

function unsignedJwt(claims: Record<string, unknown>): string {
  return `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
}

function checkAssertion(assertion: string, publicKey: KeyObject): string | undefined {
  const [header = "", claims = "", signature = ""] = assertion.split(".");
  if (!verify("RSA-SHA512", Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, "base64url"))) return "bad signature";
  const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>;
  const body = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as Record<string, unknown>;
  if (head.alg !== "RS512" || head.kid !== CREDENTIALS.kid) return "bad header";
  if (body.iss !== CREDENTIALS.iss || body.sub !== CREDENTIALS.sub || body.aud !== CREDENTIALS.aud || typeof body.jti !== "string") return "bad claims";
  const now = Date.now() / 1000;
  if (typeof body.exp !== "number" || typeof body.iat !== "number" || body.exp < now || body.iat > now + 60) return "expired";
  return undefined;
}

export async function startFakeStackit(): Promise<FakeStackit> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const issued = new Set<string>([TEST_STATIC_TOKEN]);
  const refreshTokens = new Set<string>();
  const grants: string[] = [];
  const refusedTokens: string[] = [];
  let fake: FakeStackit | undefined;
  let serial = 0;

  const issue = (): FakeAnswer => {
    const now = Math.floor(Date.now() / 1000);
    const access = unsignedJwt({ exp: now + (fake?.accessTokenSeconds ?? 600), n: ++serial });
    const refresh = unsignedJwt({ exp: now + 3600, n: serial, refresh: true });
    issued.add(access);
    refreshTokens.add(refresh);
    return { body: { access_token: access, refresh_token: refresh, expires_in: 600, token_type: "Bearer", scope: "" } };
  };

  const route = (request: FakeRequest): FakeAnswer | undefined => {
    if (request.url.pathname === "/token" && request.method === "POST") {
      const form = new URLSearchParams(request.body);
      const grant = form.get("grant_type") ?? "";
      grants.push(grant);
      if (grant === "refresh_token") return refreshTokens.has(form.get("refresh_token") ?? "") ? issue() : { status: 400, body: { error: "invalid_grant" } };
      if (grant !== "urn:ietf:params:oauth:grant-type:jwt-bearer" || !request.body.startsWith("assertion=ey")) return { status: 400, body: { error: "unsupported_grant_type" } };
      const problem = checkAssertion(form.get("assertion") ?? "", publicKey);
      return problem === undefined ? issue() : { status: 401, body: { error: "invalid_client", error_description: problem } };
    }
    if (request.url.pathname === `/v1/projects/${TEST_PROJECT}/servers`) {
      const token = String(request.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!issued.has(token)) {
        refusedTokens.push(token);
        return { status: 401, body: { message: "unauthorized" } };
      }
      return request.url.searchParams.get("details") === "true" ? { body: fake?.servers } : { status: 400, body: { message: "details=true expected" } };
    }
    return undefined;
  };

  const api = await startApiFake({ route });
  fake = Object.assign(api, {
    servers: prometheusServers(),
    accessTokenSeconds: 600,
    grants,
    refusedTokens,
    privateKeyPem,
    serviceAccountKey: (options: { embedPrivateKey?: boolean } = {}) => JSON.stringify({
      active: true, createdAt: "2025-04-05T12:34:56Z", id: "123e4567-e89b-12d3-a456-426614174002", keyAlgorithm: "RSA_2048", keyOrigin: "USER_PROVIDED", keyType: "USER_MANAGED", publicKey: "...",
      credentials: { ...CREDENTIALS, tokenEndpoint: `${api.origin}/token`, ...(options.embedPrivateKey ? { privateKey: privateKeyPem } : {}) },
    }),
  });
  return fake;
}
