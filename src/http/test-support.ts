/**
 * Test-only helpers for HTTP clients: loopback servers on port 0 (plain and TLS), a throwaway CA with
 * server and client certificates made by `openssl`, and HTTP client configs parsed from YAML exactly as a
 * provider would parse them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseHttpClientConfig, type HttpClientConfig } from "../config/http-client.js";
import { ConfigLocation } from "../yaml/location.js";
import { MapReader } from "../config/reader.js";
import { parseYaml } from "../yaml/yaml-node.js";
import type { Profile } from "../profile.js";

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface TestServer {
  readonly server: Server;
  /** `http://127.0.0.1:port` (or https, or the given host). */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `host` (default 127.0.0.1) and `port` (default 0: any free port; give one to restart on it). */
export async function startServer(handler: Handler, options: { host?: string; port?: number; tls?: ServerOptions } = {}): Promise<TestServer> {
  const host = options.host ?? "127.0.0.1";
  const server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  // Every socket, including ones hijacked by CONNECT or upgrades, is destroyed on close.
  const sockets = new Set<import("node:net").Socket>();
  server.on(options.tls ? "secureConnection" : "connection", (socket: import("node:net").Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo; // listening on TCP, so an AddressInfo
  return {
    server,
    port,
    origin: `${options.tls ? "https" : "http"}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface TestCerts {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

/** A CA plus a server cert (SANs 127.0.0.1, 127.0.0.2, promsd.test) and a client cert, valid for a day. */
export function generateTestCerts(dir: string): TestCerts {
  const run = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=promsd-test-ca");
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:promsd.test\n");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const name of ["server", "client"]) {
    run("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    run("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", `${name}.ext`);
  }
  const file = (name: string): string => join(dir, name);
  return {
    dir,
    caFile: file("ca.crt"),
    serverCertFile: file("server.crt"),
    serverKeyFile: file("server.key"),
    clientCertFile: file("client.crt"),
    clientKeyFile: file("client.key"),
    ca: readFileSync(file("ca.crt"), "utf8"),
    serverCert: readFileSync(file("server.crt"), "utf8"),
    serverKey: readFileSync(file("server.key"), "utf8"),
  };
}

/** Parses `yaml` (HTTP client keys only) the way providers do. */
export function httpClientConfig(yaml: string, options: { profile?: Profile; configDir?: string } = {}): HttpClientConfig {
  const configDir = options.configDir ?? "/";
  const file = join(configDir, "test.yml");
  const reader = MapReader.open(parseYaml(yaml === "" ? "{}" : yaml, file), ConfigLocation.root(file), "http.SDConfig");
  const config = parseHttpClientConfig(reader, { configDir, profile: options.profile ?? "v3" });
  reader.finish();
  return config;
}

/** Collects a request's body. */
export async function requestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer); // no encoding set: Buffers
  return Buffer.concat(chunks).toString("utf8");
}
