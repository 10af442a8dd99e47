/**
 * A loopback Outscale OAPI for tests: `POST /api/v1/ReadVms`, paged by `NextPageToken`, which checks the
 * request's AWS Signature V4 (access key, the secret, service `oapi`, scope region `eu-west-2` as
 * osc-sdk-go signs) and answers 401 like OAPI when it does not verify. The VMs of Prometheus's vm_test.go
 * are the default state (./fixtures/vms.json). Faults come from ../../testing/cloud/api-fake.ts.
 */
import { readFileSync } from "node:fs";
import { verifySigV4 } from "../../cloud/sigv4.js";
import { startApiFake, type ApiFake, type FakeAnswer, type FakeRequest } from "../../testing/cloud/api-fake.js";

export const TEST_KEYS = Object.freeze({ accessKey: "AKOSCTEST0000000001", secretKey: "SKOSCtest/secret+key0123456789abcdef" });

export function prometheusVms(): unknown[] {
  return JSON.parse(readFileSync(new URL("./fixtures/vms.json", import.meta.url), "utf8")) as unknown[];
}

export interface FakeOutscale extends ApiFake {
  vms: unknown[];
  pageSize: number;
  readonly refused: string[];
  /** The endpoint to configure. */
  readonly endpoint: string;
}

export async function startFakeOutscale(): Promise<FakeOutscale> {
  const refused: string[] = [];
  let fake: FakeOutscale | undefined;
  const route = (request: FakeRequest): FakeAnswer | undefined => {
    if (request.url.pathname !== "/api/v1/ReadVms" || request.method !== "POST") return undefined;
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v ?? "")]));
    const check = verifySigV4({ method: request.method, url: request.url, headers, body: request.body }, TEST_KEYS.secretKey);
    const problem = !check.ok ? check.reason : check.accessKey !== TEST_KEYS.accessKey ? "unknown access key" : check.service !== "oapi" || check.region !== "eu-west-2" ? `scope ${check.region}/${check.service}` : undefined;
    if (problem !== undefined) {
      refused.push(problem);
      return { status: 401, body: { Errors: [{ Code: "1", Type: "AccessDenied", Details: problem }], ResponseContext: { RequestId: "r" } } };
    }
    const vms = fake?.vms ?? [];
    const size = fake?.pageSize ?? 1000;
    const start = Number((JSON.parse(request.body || "{}") as { NextPageToken?: string }).NextPageToken ?? "0");
    const page = vms.slice(start, start + size);
    const next = start + size < vms.length ? { NextPageToken: String(start + size) } : {};
    return { body: { Vms: page, ...next, ResponseContext: { RequestId: "r" } } };
  };
  const api = await startApiFake({ route });
  fake = Object.assign(api, { vms: prometheusVms(), pageSize: 1000, refused, endpoint: `${api.origin}/api/v1` });
  return fake;
}
