/**
 * A fake PuppetDB query API on 127.0.0.1: `POST /pdb/query/v4` with `{"query": "<PQL>"}` (as Prometheus
 * sends it) or `GET /pdb/query/v4?query=<PQL>`, answering each known query with a scripted answer: by
 * default the answers recorded from a real PuppetDB 7.12.1 (fixtures/recorded-answers.json), or any
 * body such as Prometheus's own fixtures. Unknown queries get PuppetDB's 400 `text/plain` parse error.
 * Faults: a truncated body, a body that stalls mid-way, an oversized body, no answer at all.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface PuppetDbAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly truncateAfterBytes?: number;
  readonly stallAfterBytes?: number;
  readonly hugeBytes?: number;
  readonly hang?: boolean;
}

export interface PuppetDbRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakePuppetDb {
  /** `http://127.0.0.1:<port>`, to use as `url`. */
  readonly url: string;
  readonly requests: PuppetDbRequest[];
  /** Answers by PQL query text. */
  readonly answers: Map<string, PuppetDbAnswer>;
  /** When set, every request gets this answer. */
  override: PuppetDbAnswer | undefined;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => resolve(body));
  });
}

function queryOf(request: IncomingMessage, body: string): string | undefined {
  if (request.method === "GET") return new URL(request.url ?? "/", "http://x").searchParams.get("query") ?? undefined;
  try {
    const decoded: unknown = JSON.parse(body);
    return typeof decoded === "object" && decoded !== null && "query" in decoded && typeof decoded.query === "string" ? decoded.query : undefined;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, answer: PuppetDbAnswer): void {
  if (answer.hang === true) return;
  const bytes = Buffer.from(answer.body);
  response.writeHead(answer.status, { "content-type": answer.contentType, ...(answer.hugeBytes === undefined ? { "content-length": String(bytes.length) } : {}) });
  if (answer.hugeBytes !== undefined) {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < (answer.hugeBytes ?? 0) && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
      response.end();
    };
    return pump();
  }
  const cut = answer.truncateAfterBytes ?? answer.stallAfterBytes;
  if (cut === undefined) return void response.end(bytes);
  response.write(bytes.subarray(0, cut));
  if (answer.truncateAfterBytes !== undefined) setTimeout(() => response.destroy(), 10);
}

export async function startFakePuppetDb(answers: ReadonlyMap<string, PuppetDbAnswer> = new Map()): Promise<FakePuppetDb> {
  const requests: PuppetDbRequest[] = [];
  const sockets = new Set<Socket>();
  const state: { override: PuppetDbAnswer | undefined; answers: Map<string, PuppetDbAnswer> } = { override: undefined, answers: new Map(answers) };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      if (state.override !== undefined) return send(response, state.override);
      if ((request.url ?? "").split("?")[0] !== "/pdb/query/v4" || (request.method !== "POST" && request.method !== "GET")) {
        return send(response, { status: 404, contentType: "text/plain", body: "Not Found" });
      }
      const query = queryOf(request, body);
      const answer = query === undefined ? undefined : state.answers.get(query);
      send(response, answer ?? { status: 400, contentType: "text/plain;charset=utf-8", body: `PQL parse error at line 1, column 1:\n${query ?? ""}\n` });
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port; // TCP listen → AddressInfo
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  });
}
