/**
 * Serves a Router on a real socket (node:http). Listens only where told; `close()` is idempotent and also
 * ends keep-alive connections, so a polling Prometheus cannot hold the process open.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { writePieces } from "./body-writer.js";
import type { HttpRequest, HttpResponse, ResponseStream, Router } from "./router.js";

export interface ListenAddress {
  /** Host to bind; "" binds every interface (Prometheus's `:9090` form). */
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port`, `[v6]:port` or `:port`, as Prometheus's --web.listen-address takes them. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`invalid listen address "${text}"; expected host:port, e.g. 127.0.0.1:9800`);
  return { host: match[1] ?? match[2] ?? "", port };
}

export class HttpServer {
  readonly #server: Server;
  /** The bound address (the real port when 0 was asked for); kept after close. */
  readonly address: AddressInfo;
  #closed: Promise<void> | undefined;

  private constructor(server: Server) {
    this.#server = server;
    this.address = server.address() as AddressInfo; // listening on TCP, so never a string or null
  }

  /** Binds and starts serving `router`. */
  static async listen(router: Router, address: ListenAddress): Promise<HttpServer> {
    const server = createServer((req, res) => {
      void answer(router, req, res).catch(() => res.destroy());
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: address.host === "" ? undefined : address.host, port: address.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new HttpServer(server);
  }

  /** `http://host:port` of the bound socket (IPv6 hosts bracketed). */
  get url(): string {
    const { address, port } = this.address;
    return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }

  close(): Promise<void> {
    return (this.#closed ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    }));
  }
}

async function answer(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  // Request bodies are not used by any endpoint; drain them so the connection can be reused.
  req.resume();
  const request: HttpRequest = { method: req.method ?? "GET", url: new URL(req.url ?? "/", "http://promsd.invalid"), headers };
  const response = await router.handle(request);
  if (response.stream && request.method !== "HEAD") {
    startStream(response.stream, response, res);
    return;
  }
  if (response.chunks) {
    await sendPieces(response, response.chunks, res, request.method === "HEAD");
    return;
  }
  const payload = response.bytes ?? response.body;
  res.writeHead(response.status, { ...response.headers, "content-length": Buffer.byteLength(payload) });
  res.end(request.method === "HEAD" ? undefined : payload);
}

/** Sends a body rendered while it is written; without a known length it goes out chunk-encoded. */
async function sendPieces(response: HttpResponse, chunks: () => Iterable<string | Uint8Array>, res: ServerResponse, isHead: boolean): Promise<void> {
  const length = response.contentLength === undefined ? {} : { "content-length": response.contentLength };
  res.writeHead(response.status, { ...response.headers, ...length });
  if (isHead) {
    res.end();
    return;
  }
  const closed = new AbortController();
  const onClose = (): void => closed.abort(new Error("client disconnected"));
  res.once("close", onClose);
  try {
    if (await writePieces(res, chunks(), closed.signal)) res.end();
  } finally {
    res.off("close", onClose);
  }
}

/** Serves a long-lived response until the client disconnects or the server closes the connection. */
function startStream(stream: ResponseStream, response: HttpResponse, res: ServerResponse): void {
  const closed = new AbortController();
  res.once("close", () => closed.abort(new Error("client disconnected")));
  res.writeHead(response.status, { ...response.headers, "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
  stream.start((chunk) => {
    if (!closed.signal.aborted) res.write(chunk);
  }, closed.signal);
}
