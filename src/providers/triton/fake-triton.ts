/**
 * A loopback triton-cmon discovery service for tests: HTTPS that *requires* a client certificate signed by
 * the test CA (as cmon does), `GET /v<version>/discover` → `{"containers": […]}` and
 * `GET /v<version>/gz/discover` → `{"cns": […]}`, both as cmon answers them (the bodies of Prometheus's
 * triton_test.go are the default state, ./fixtures). Faults come from ../../testing/cloud/api-fake.ts.
 */
import { readFileSync } from "node:fs";
import type { TestCerts } from "../../http/test-support.js";
import { startApiFake, type ApiFake, type FakeRequest } from "../../testing/cloud/api-fake.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8")) as unknown;
}

export interface TritonState {
  discover: unknown;
  gzDiscover: unknown;
}

export function prometheusFixtureState(): TritonState {
  return { discover: fixture("containers"), gzDiscover: fixture("cns") };
}

export interface FakeTriton extends ApiFake {
  state: TritonState;
  /** `endpoint`/`port` and the client-certificate `tls_config` lines of a YAML block. */
  readonly clientYaml: string;
}

export async function startFakeTriton(certs: TestCerts, state: TritonState = prometheusFixtureState()): Promise<FakeTriton> {
  let fake: FakeTriton | undefined;
  const route = (request: FakeRequest) => {
    const current = fake?.state ?? state;
    if (/^\/v\d+\/discover$/.test(request.url.pathname)) return { body: current.discover };
    if (/^\/v\d+\/gz\/discover$/.test(request.url.pathname)) return { body: current.gzDiscover };
    return undefined;
  };
  const api = await startApiFake({
    route,
    serverTls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true, rejectUnauthorized: true },
  });
  const port = new URL(api.origin).port;
  fake = Object.assign(api, {
    state,
    clientYaml: `endpoint: 127.0.0.1\nport: ${port}\ntls_config: {ca_file: ${certs.caFile}, cert_file: ${certs.clientCertFile}, key_file: ${certs.clientKeyFile}}`,
  });
  return fake;
}
