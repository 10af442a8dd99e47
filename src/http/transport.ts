/**
 * One hop of an HTTP request: keep-alive agents (one per scheme and proxy), TCP dials counted by the
 * conntrack tracker, TLS from `tls_config`, and proxies (plain HTTP proxying for `http:` targets, a CONNECT
 * tunnel for `https:` targets). Redirects, auth and body limits live in http-client.ts.
 */
import { Agent, request as httpRequest, type ClientRequestArgs, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { TlsConfig } from "../config/http-client.js";
import type { Secret } from "../config/secret.js";
import type { DialTracker } from "./conntrack.js";
import { defaultPort, urlHost, type ProxySelector } from "./proxy.js";
import { tlsConnectOptions } from "./tls-options.js";

export interface TransportOptions {
  readonly tls: TlsConfig;
  readonly selectProxy: ProxySelector;
  readonly proxyConnectHeader: ReadonlyMap<string, readonly Secret[]>;
  readonly dials: DialTracker;
  /**
   * Dial this unix socket for every `http:` request instead of the URL's host (the Docker Engine API on
   * `unix:///var/run/docker.sock`); the URL's host still goes into the `Host` header. Proxies do not apply.
   */
  readonly socketPath?: string | undefined;
}

export interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: Buffer | string | undefined;
  readonly signal: AbortSignal;
}

type Dial = (options: ClientRequestArgs) => Promise<Duplex>;

/** A keep-alive agent whose connections come from an async `dial`. */
class DialingAgent extends Agent {
  readonly #dial: Dial;
  constructor(dial: Dial) {
    super({ keepAlive: true, scheduling: "lifo" });
    this.#dial = dial;
  }
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.#dial(options).then(
      (socket) => callback?.(null, socket),
      (error: unknown) => callback?.(error instanceof Error ? error : new Error(String(error)), undefined as unknown as Duplex),
    );
    return undefined;
  }
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === "" && proxy.password === "") return undefined;
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(credentials).toString("base64")}`;
}

export class Transport {
  readonly #options: TransportOptions;
  readonly #agents = new Map<string, DialingAgent>();

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Sends one request and resolves with the response head; the body is left to the caller. */
  roundTrip(hop: Hop): Promise<IncomingMessage> {
    const proxy = this.#options.socketPath === undefined ? this.#options.selectProxy(hop.url) : undefined;
    const isHttpProxy = proxy !== undefined && hop.url.protocol === "http:";
    const headers: OutgoingHttpHeaders = { ...hop.headers };
    if (isHttpProxy) {
      const auth = proxyAuthorization(proxy);
      if (auth !== undefined) headers["proxy-authorization"] = auth;
    }
    const path = isHttpProxy ? `${hop.url.origin}${hop.url.pathname}${hop.url.search}` : `${hop.url.pathname}${hop.url.search}`;
    const connectTo = isHttpProxy ? proxy : hop.url;
    return new Promise((resolve, reject) => {
      const request = httpRequest({
        agent: this.#agent(hop.url.protocol, proxy),
        host: urlHost(connectTo),
        port: Number(defaultPort(connectTo)),
        method: hop.method,
        path,
        headers: { host: hop.url.host, ...headers },
        signal: hop.signal,
        setHost: false,
      });
      request.once("response", resolve);
      request.once("error", reject);
      request.end(hop.body);
    });
  }

  /** Closes idle and active connections; later requests open new ones. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agent(protocol: string, proxy: URL | undefined): DialingAgent {
    const key = `${protocol}|${proxy?.href ?? ""}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      agent = new DialingAgent((options) => this.#dial(protocol, proxy, options));
      this.#agents.set(key, agent);
    }
    return agent;
  }

  async #dial(protocol: string, proxy: URL | undefined, options: ClientRequestArgs): Promise<Duplex> {
    const host = String(options.host ?? "");
    const port = Number(options.port);
    if (protocol !== "https:") return this.#options.socketPath === undefined ? this.#tcp(host, port) : this.#unix(this.#options.socketPath);
    const tlsOptions = await tlsConnectOptions(this.#options.tls, host);
    const socket = proxy === undefined ? this.#tcp(host, port) : await this.#tunnel(proxy, host, port);
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({ ...tlsOptions, socket, host });
      // Go's TLS handshake timeout is 10 s.
      const timer = setTimeout(() => secure.destroy(new Error("net/http: TLS handshake timeout")), 10_000);
      secure.once("secureConnect", () => {
        clearTimeout(timer);
        secure.off("error", onError);
        resolve(secure);
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      secure.once("error", onError);
    });
  }

  /** Not counted by conntrack: Prometheus dials unix sockets with the Docker client's own transport. */
  #unix(path: string): Socket {
    return netConnect({ path });
  }

  #tcp(host: string, port: number): Socket {
    const socket = netConnect({ host, port });
    this.#options.dials.track(socket);
    return socket;
  }

  /** Opens a CONNECT tunnel through `proxy` to host:port. */
  #tunnel(proxy: URL, host: string, port: number): Promise<Socket> {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, values] of this.#options.proxyConnectHeader) headers[name] = values.map((v) => v.reveal());
    const auth = proxyAuthorization(proxy);
    if (auth !== undefined) headers["proxy-authorization"] = auth;
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const request = httpRequest({
        host: urlHost(proxy),
        port: Number(defaultPort(proxy)),
        method: "CONNECT",
        path: authority,
        headers: { host: authority, ...headers },
        setHost: false,
        agent: false,
        createConnection: () => this.#tcp(urlHost(proxy), Number(defaultPort(proxy))),
      });
      request.once("connect", (response: IncomingMessage, socket: Socket) => {
        if (response.statusCode === 200) {
          resolve(socket);
          return;
        }
        socket.destroy();
        reject(new Error(`proxy CONNECT returned ${response.statusCode ?? 0} ${response.statusMessage ?? ""}`.trim()));
      });
      request.once("error", reject);
      request.end();
    });
  }
}
