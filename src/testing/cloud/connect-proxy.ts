/**
 * A loopback HTTP proxy for tests of mechanisms whose API host is fixed (hetzner, digitalocean, vultr, ionos,
 * GCE): the client is configured with `proxy_url` (or `HTTPS_PROXY`) pointing here, and every `CONNECT
 * host:port` is answered by tunnelling to one local server (usually ./tls-fake.ts) instead of the named
 * host, so nothing ever leaves loopback. Plain `GET http://…` proxy requests are refused (502): every real
 * cloud API is HTTPS. The proxy records which authorities were asked for, so a test can assert where the
 * client meant to go.
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every CONNECT authority (`host:port`) in arrival order. */
  readonly connects: readonly string[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Where each tunnel goes: a loopback port, or a function of the asked authority returning one. */
  readonly target: number | ((authority: string) => number | undefined);
  /** When set, CONNECTs without this `Proxy-Authorization` value are answered 407. */
  readonly requireAuthorization?: string;
}

export async function startConnectProxy(options: ConnectProxyOptions): Promise<ConnectProxy> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    response.writeHead(502, { "content-type": "text/plain" }).end("this test proxy only tunnels CONNECT\n");
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("connect", (request, client: Socket, head: Buffer) => {
    const authority = request.url ?? "";
    connects.push(authority);
    if (options.requireAuthorization !== undefined && request.headers["proxy-authorization"] !== options.requireAuthorization) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const port = typeof options.target === "number" ? options.target : options.target(authority);
    if (port === undefined) {
      client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = connect(port, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo; // TCP listener
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
