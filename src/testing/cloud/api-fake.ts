/**
 * A scriptable loopback JSON API for the plain-HTTP cloud mechanisms' tests (hetzner, digitalocean, vultr,
 * ionos, scaleway, linode, …). A provider's fake supplies only `route`: the vendor's paths, paging and JSON
 * shapes. This module adds what every such fake needs: request recording, scripted faults (a status, a
 * 429 with Retry-After, a truncated body, a body that stops mid-way, no answer at all) and, for mechanisms
 * whose API host is fixed, HTTPS with a certificate for the real host names behind a CONNECT proxy
 * (./tls-fake.ts, ./connect-proxy.ts), so promtool and promsd reach it from `proxy_url` + `tls_config.ca_file`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { ServerOptions } from "node:https";
import { startServer, type TestServer } from "../../http/test-support.js";
import { startConnectProxy, type ConnectProxy } from "./connect-proxy.js";
import { generateHostCerts } from "./tls-fake.js";

export interface FakeRequest {
  readonly method: string;
  /** The Host header (the real API host when reached through the proxy). */
  readonly host: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One answer. `body` that is not a string is sent as JSON. */
export interface FakeAnswer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the headers (with the full Content-Length) and this much of the body, then cut the connection. */
  readonly truncateAfterBytes?: number;
  /** Send the headers and this much of the body, then go silent with the connection open. */
  readonly hangAfterBytes?: number;
  /** Accept the request and never answer. */
  readonly hang?: boolean;
}

/** The vendor's API: an answer for a request, or undefined for 404. */
export type FakeRoute = (request: FakeRequest) => FakeAnswer | undefined;

export interface ApiFake {
  /** `http://127.0.0.1:P` (plain) or `https://127.0.0.1:P` (TLS). */
  readonly origin: string;
  readonly requests: FakeRequest[];
  /** Every loopback port a client may dial (the fake, and the proxy when there is one), for openLoopbackNetns. */
  readonly ports: readonly number[];
  /** TLS fakes only: the CA to trust and the CONNECT proxy that leads to the fake. */
  readonly caFile: string | undefined;
  readonly proxy: ConnectProxy | undefined;
  /** `proxy_url` + `tls_config` lines for a YAML block (TLS fakes only). */
  readonly clientYaml: string;
  setRoute(route: FakeRoute): void;
  /** Answers the next requests with these instead of the route (in order). */
  answerNext(...answers: FakeAnswer[]): void;
  /** Answers every request with `answer` until cleared with `undefined`. */
  answerAlways(answer: FakeAnswer | undefined): void;
  close(): Promise<void>;
}

export interface ApiFakeOptions {
  readonly route: FakeRoute;
  /** Serve HTTPS with a certificate for these hosts behind a CONNECT proxy; `dir` holds the certificates. */
  readonly tls?: { readonly dir: string; readonly hosts: readonly string[] };
  /** Serve HTTPS on 127.0.0.1 with these server options instead (own certificates, a required client certificate, …); no proxy. */
  readonly serverTls?: ServerOptions;
}

async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, answer: FakeAnswer): void {
  if (answer.hang === true) return;
  const body = Buffer.from(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {}));
  response.writeHead(answer.status ?? 200, { "content-type": "application/json", "content-length": String(body.length), ...answer.headers });
  if (answer.hangAfterBytes !== undefined) {
    response.write(body.subarray(0, answer.hangAfterBytes));
    return;
  }
  if (answer.truncateAfterBytes === undefined) {
    response.end(body);
    return;
  }
  response.write(body.subarray(0, answer.truncateAfterBytes));
  setTimeout(() => response.destroy(), 10);
}

export async function startApiFake(options: ApiFakeOptions): Promise<ApiFake> {
  let route = options.route;
  const queue: FakeAnswer[] = [];
  let always: FakeAnswer | undefined;
  const requests: FakeRequest[] = [];
  const certs = options.tls && generateHostCerts(options.tls.dir, options.tls.hosts);
  const server: TestServer = await startServer((request, response) => {
    void readRequestBody(request).then((body) => {
      const host = request.headers.host ?? "";
      const path = request.url ?? "/";
      const recorded: FakeRequest = { method: request.method ?? "GET", host, path, url: new URL(path, `http://${host || "fake"}`), headers: request.headers, body };
      requests.push(recorded);
      send(response, queue.shift() ?? always ?? route(recorded) ?? { status: 404, body: { error: "not found" } });
    });
  }, certs ? { tls: { cert: certs.cert, key: certs.key } } : options.serverTls ? { tls: options.serverTls } : {});
  const proxy = certs ? await startConnectProxy({ target: server.port }) : undefined;
  return {
    origin: server.origin,
    requests,
    ports: proxy ? [server.port, Number(new URL(proxy.url).port)] : [server.port],
    caFile: certs?.caFile,
    proxy,
    clientYaml: proxy && certs ? `proxy_url: ${proxy.url}\ntls_config: {ca_file: ${certs.caFile}}` : "",
    setRoute: (next) => {
      route = next;
    },
    answerNext: (...answers) => void queue.push(...answers),
    answerAlways: (answer) => {
      always = answer;
    },
    close: async () => {
      await proxy?.close();
      await server.close();
    },
  };
}

/** Query parameter `name` as a positive integer, or `fallback`. */
export function queryInt(request: FakeRequest, name: string, fallback: number): number {
  const value = Number(request.url.searchParams.get(name));
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
