/**
 * A fake Docker Engine API for fault tests and Prometheus's fixtures: `/_ping` (HEAD and GET, with an
 * `API-Version` header) and `GET /v<version>/{containers/json,networks,services,tasks,nodes}` answering
 * from a settable state, on a unix socket or 127.0.0.1. Tests read the requests it received and script
 * faults per path: a status, a truncated body, a body that stops mid-way and never ends, or a huge body.
 * Real behaviour is proven against a real dockerd (src/testing/dockerd.ts); this fake only has to answer as
 * dockerd does for the endpoints Prometheus calls, which the promtool comparison tests check.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface EngineState {
  containers?: unknown;
  networks?: unknown;
  services?: unknown;
  tasks?: unknown;
  nodes?: unknown;
}

export interface EngineFault {
  readonly status?: number;
  readonly body?: string;
  /** Send this many bytes of the body, then close the connection. */
  readonly truncateAfterBytes?: number;
  /** Send part of the body, then neither more nor the end (the client's deadline must fire). */
  readonly stallAfterBytes?: number;
  /** Never answer at all. */
  readonly hang?: boolean;
  /** Answer with this many bytes of valid-looking JSON array. */
  readonly hugeBytes?: number;
}

export interface FakeEngineRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeDockerEngine {
  /** `unix:///…/docker.sock` or `http://127.0.0.1:<port>`, to use as `host`. */
  readonly host: string;
  readonly requests: FakeEngineRequest[];
  state: EngineState;
  /** `API-Version` of /_ping ("" sends none). */
  apiVersion: string;
  /** Faults by resource (`containers`, `networks`, `_ping`, …); removed with `delete`. */
  readonly faults: Map<string, EngineFault>;
  close(): Promise<void>;
}

function resourceOf(url: string): string {
  const path = url.split("?")[0] ?? "";
  if (path === "/_ping") return "_ping";
  const match = /^\/v[0-9.]+\/(containers\/json|networks|services|tasks|nodes)$/.exec(path);
  return match?.[1]?.replace("/json", "") ?? "";
}

function answer(response: ServerResponse, status: number, body: string, fault: EngineFault | undefined): void {
  const bytes = Buffer.from(body);
  // A huge body goes out chunked, so that the cap is hit while reading rather than from Content-Length.
  response.writeHead(status, { "content-type": "application/json", ...(fault?.hugeBytes === undefined ? { "content-length": String(bytes.length) } : {}) });
  if (fault?.hugeBytes !== undefined) {
    const chunk = Buffer.from(`${"[".padEnd(64 * 1024, " ")}`);
    let sent = 0;
    const pump = (): void => {
      while (sent < (fault.hugeBytes ?? 0) && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
      response.end();
    };
    return pump();
  }
  const cut = fault?.truncateAfterBytes ?? fault?.stallAfterBytes;
  if (cut === undefined) return void response.end(bytes);
  response.write(bytes.subarray(0, cut));
  if (fault?.truncateAfterBytes !== undefined) setTimeout(() => response.destroy(), 10);
}

/** `socketPath`: listen there (a unix socket); otherwise on 127.0.0.1 on a free port. */
export async function startFakeDockerEngine(state: EngineState, options: { socketPath?: string } = {}): Promise<FakeDockerEngine> {
  const requests: FakeEngineRequest[] = [];
  const faults = new Map<string, EngineFault>();
  const sockets = new Set<Socket>();
  const engine = { state, apiVersion: "1.41" };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? "";
    requests.push({ method: request.method ?? "", url, headers: request.headers });
    const resource = resourceOf(url);
    const fault = faults.get(resource);
    if (fault?.hang === true) return;
    if (resource === "_ping") {
      response.setHeader("api-version", engine.apiVersion);
      if (engine.apiVersion === "") response.removeHeader("api-version");
      return answer(response, fault?.status ?? 200, fault?.body ?? "OK", fault);
    }
    const known: Record<string, unknown> = { containers: engine.state.containers, networks: engine.state.networks, services: engine.state.services, tasks: engine.state.tasks, nodes: engine.state.nodes };
    if (request.method !== "GET" || known[resource] === undefined) {
      return answer(response, 404, JSON.stringify({ message: `page not found: ${url}` }), undefined);
    }
    answer(response, fault?.status ?? 200, fault?.body ?? JSON.stringify(known[resource]), fault);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => (options.socketPath === undefined ? server.listen(0, "127.0.0.1", resolve) : server.listen(options.socketPath, resolve)));
  const host = options.socketPath === undefined ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : `unix://${options.socketPath}`; // TCP listen → AddressInfo
  return Object.assign(engine, {
    host,
    requests,
    faults,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  });
}
