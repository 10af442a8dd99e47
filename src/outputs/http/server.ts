/**
 * Serves a Router on a real socket (node:http, or node:https with a web config's TLS). Listens only where
 * told; `close()` is idempotent and also ends keep-alive connections, so a polling Prometheus cannot hold
 * the process open.
 *
 * Every response carries SECURITY_HEADERS (an endpoint may set its own values); request headers above
 * MAX_HEADER_BYTES get Node's 431 and request bodies above MAX_BODY_BYTES a 413: no endpoint reads a body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { writePieces } from "./body-writer.js";
import type { HttpRequest, HttpResponse, ResponseStream } from "./router.js";
import { refusesPeer, type TlsServerSettings } from "../web-config/tls-options.js";

/** What the server asks of the thing it serves: a Router, or a Router behind a web config's guard. */
export interface RequestHandler {
  handle(request: HttpRequest): Promise<HttpResponse>;
}

/** TLS for the listener: the settings for the next connection (undefined: refuse it) and their changes. */
export interface TlsSettingsSource {
  readonly tls: TlsServerSettings | undefined;
  onTlsChange(listener: (settings: TlsServerSettings | undefined) => void): void;
}

export interface ListenOptions {
  readonly tls?: TlsSettingsSource;
}

/** On every response, under the endpoint's own headers: no sniffing, no framing, no referrer leaks. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "x-frame-options": "deny",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
});

export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 64 * 1024;

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

  readonly isTls: boolean;

  private constructor(server: Server, isTls: boolean) {
    this.#server = server;
    this.isTls = isTls;
    this.address = server.address() as AddressInfo; // listening on TCP, so never a string or null
  }

  /** Binds and starts serving `router`. */
  static async listen(router: RequestHandler, address: ListenAddress, options: ListenOptions = {}): Promise<HttpServer> {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      void answer(router, req, res).catch(() => res.destroy());
    };
    const server = options.tls ? createTlsServer(options.tls, onRequest) : createServer({ maxHeaderSize: MAX_HEADER_BYTES }, onRequest);
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: address.host === "" ? undefined : address.host, port: address.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new HttpServer(server, options.tls !== undefined);
  }

  /** `http://host:port` (https with TLS) of the bound socket (IPv6 hosts bracketed). */
  get url(): string {
    const { address, port } = this.address;
    return `${this.isTls ? "https" : "http"}://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }

  close(): Promise<void> {
    return (this.#closed ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    }));
  }
}

/**
 * An HTTPS server whose TLS settings follow `source`: Node reads `requestCert`/`rejectUnauthorized` from the
 * server object for every new connection, and setSecureContext swaps certificates and ciphers for them.
 */
function createTlsServer(source: TlsSettingsSource, onRequest: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const initial = source.tls;
  if (!initial) throw new Error("TLS listener without TLS settings");
  const server = createHttpsServer({ ...initial.context, requestCert: initial.requestCert, rejectUnauthorized: initial.rejectUnauthorized, maxHeaderSize: MAX_HEADER_BYTES }, onRequest);
  const perConnection = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  let current: TlsServerSettings | undefined = initial;
  source.onTlsChange((settings) => {
    current = settings;
    if (!settings) return;
    server.setSecureContext(settings.context);
    perConnection.requestCert = settings.requestCert;
    perConnection.rejectUnauthorized = settings.rejectUnauthorized;
  });
  // Fail closed: while the web config is invalid, new connections are dropped before the handshake.
  server.on("connection", (socket: Socket) => {
    if (!current) socket.destroy();
  });
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    if (!current || refusesPeer(socket, current) !== undefined) socket.destroy();
  });
  server.on("tlsClientError", (_error, socket) => socket.destroy());
  return server;
}

async function answer(router: RequestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  if (!drainBody(req, res)) return;
  const request: HttpRequest = { method: req.method ?? "GET", url: new URL(req.url ?? "/", "http://promsd.invalid"), headers };
  const routed = await router.handle(request);
  const response: HttpResponse = Object.create(routed, { headers: { value: { ...SECURITY_HEADERS, ...routed.headers }, enumerable: true } }) as HttpResponse;
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

/**
 * Request bodies are not used by any endpoint: drained (so the connection can be reused) up to
 * MAX_BODY_BYTES; a larger one is answered 413 (by its content-length) or cut off while it streams.
 */
function drainBody(req: IncomingMessage, res: ServerResponse): boolean {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    res.writeHead(413, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", connection: "close" });
    res.end("Request Entity Too Large\n");
    req.destroy();
    return false;
  }
  let received = 0;
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_BODY_BYTES) req.destroy();
  });
  req.resume();
  return true;
}
