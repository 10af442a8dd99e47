/**
 * A fake Kubernetes API server for tests and benchmarks (node:http on 127.0.0.1), speaking the real JSON
 * protocol: LIST with resourceVersion/limit/continue and label/field selectors, WATCH streams with
 * ADDED/MODIFIED/DELETED/BOOKMARK/ERROR events (an object that stops/starts matching a selector is seen as
 * DELETED/ADDED, as the real server does), 410 Gone for versions older than the compaction window,
 * `/version`, `/api`, `/apis` and resource lists (enough for kubectl), single-object GET, a request log,
 * fault injection, and a test API that assigns increasing resourceVersions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { compileSelector, fieldValue, isSupportedField, type Matcher } from "./selectors.js";

export interface FakeResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const FAKE_RESOURCES: readonly FakeResource[] = [
  { group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true },
  { group: "", version: "v1", plural: "services", kind: "Service", namespaced: true },
  { group: "", version: "v1", plural: "endpoints", kind: "Endpoints", namespaced: true },
  { group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false },
  { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false },
  { group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true },
  { group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress", namespaced: true },
  { group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true },
  { group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true },
];

type RawObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/**
 * One stored object: its JSON only, parsed again when a selector or a delete needs the fields (keeping
 * 100,000 parsed pods next to their JSON tripled the bench server's heap, and its collector pauses showed
 * up as discovery latency).
 */
class StoredObject {
  readonly json: string;
  readonly namespace: string;

  constructor(raw: RawObject) {
    this.json = JSON.stringify(raw);
    const namespace = raw.metadata["namespace"];
    this.namespace = typeof namespace === "string" ? namespace : "";
  }

  get object(): RawObject {
    return JSON.parse(this.json) as RawObject;
  }
}

/** undefined: no selector, every object matches. */
type ObjectMatcher = ((object: RawObject) => boolean) | undefined;

interface HistoryEvent {
  readonly rv: number;
  readonly resource: FakeResource;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: StoredObject;
  readonly old: StoredObject | undefined;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
}

interface OpenWatch {
  readonly resource: FakeResource;
  readonly namespace: string | undefined;
  readonly matches: ObjectMatcher;
  readonly response: ServerResponse;
  readonly bookmarks: boolean;
  readonly timer: NodeJS.Timeout;
}

export interface FakeApiServerOptions {
  /** History events kept for watch resumption; older versions get 410 Gone. Default 100,000. */
  readonly historyLimit?: number;
  /** `/version` answer. Default 1.28. */
  readonly version?: { readonly major: string; readonly minor: string };
}

interface Fault {
  readonly pathPrefix: string;
  readonly status: number;
  remaining: number;
}

const apiPath = (r: FakeResource): string => (r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`);

function storeKey(object: RawObject): string {
  const ns = typeof object.metadata["namespace"] === "string" ? object.metadata["namespace"] : "";
  const name = String(object.metadata["name"] ?? "");
  return ns === "" ? name : `${ns}/${name}`;
}

function statusJson(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

export class FakeApiServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #objects = new Map<FakeResource, Map<string, StoredObject>>();
  /** Sorted keys per resource for paging, rebuilt only after an object was added or removed. */
  readonly #sortedKeys = new Map<FakeResource, string[]>();
  readonly #history: HistoryEvent[] = [];
  readonly #watches = new Set<OpenWatch>();
  readonly #faults: Fault[] = [];
  readonly #historyLimit: number;
  readonly #version: { readonly major: string; readonly minor: string };
  #rv = 1000;
  #compactedRv = 0;
  #port = 0;
  #isUp = false;
  /** Every request, in order. */
  readonly requests: LoggedRequest[] = [];
  /** When true, an expired watch gets HTTP 410 instead of a 200 stream with an ERROR event. */
  expiredAsHttpStatus = false;

  private constructor(options: FakeApiServerOptions) {
    this.#historyLimit = options.historyLimit ?? 100_000;
    this.#version = options.version ?? { major: "1", minor: "28" };
    for (const r of FAKE_RESOURCES) this.#objects.set(r, new Map());
    this.#server = createServer((request, response) => this.#route(request, response));
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server on 127.0.0.1 (port 0 = any free port). */
  static async start(options: FakeApiServerOptions & { readonly port?: number } = {}): Promise<FakeApiServer> {
    const server = new FakeApiServer(options);
    await server.up(options.port ?? 0);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get resourceVersion(): string {
    return String(this.#rv);
  }

  /** (Re)starts listening, on the previous port when there was one. */
  async up(port = this.#port): Promise<void> {
    if (this.#isUp) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    const address = this.#server.address();
    this.#port = typeof address === "object" && address !== null ? address.port : port;
    this.#isUp = true;
  }

  /** Stops listening and drops every connection (clients see refused connections until `up()`). */
  async down(): Promise<void> {
    if (!this.#isUp) return;
    this.#isUp = false;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#endWatches();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    await this.down();
  }

  // ---- test API -------------------------------------------------------------------------------------------

  resource(plural: string): FakeResource {
    const found = FAKE_RESOURCES.find((r) => r.plural === plural);
    if (found === undefined) throw new Error(`fake API server: unknown resource ${plural}`);
    return found;
  }

  /** Creates or replaces an object; returns the resourceVersion assigned. */
  apply(plural: string, object: Record<string, unknown>): string {
    const resource = this.resource(plural);
    const rv = ++this.#rv;
    const metadata: Record<string, unknown> = { ...((object["metadata"] as Record<string, unknown> | undefined) ?? {}), resourceVersion: String(rv) };
    metadata["uid"] ??= `uid-${rv}`;
    const raw: RawObject = { apiVersion: resource.group === "" ? resource.version : `${resource.group}/${resource.version}`, kind: resource.kind, ...object, metadata };
    const key = storeKey(raw);
    const store = this.#objects.get(resource)!;
    const old = store.get(key);
    const stored = new StoredObject(raw);
    store.set(key, stored);
    if (old === undefined) this.#sortedKeys.delete(resource);
    this.#record({ rv, resource, type: old === undefined ? "ADDED" : "MODIFIED", object: stored, old });
    return String(rv);
  }

  /** Deletes an object; returns false when it did not exist. */
  delete(plural: string, namespace: string, name: string): boolean {
    const resource = this.resource(plural);
    const store = this.#objects.get(resource)!;
    const key = namespace === "" ? name : `${namespace}/${name}`;
    const old = store.get(key);
    if (old === undefined) return false;
    store.delete(key);
    this.#sortedKeys.delete(resource);
    const rv = ++this.#rv;
    const before = old.object;
    const raw: RawObject = { ...before, metadata: { ...before.metadata, resourceVersion: String(rv) } };
    this.#record({ rv, resource, type: "DELETED", object: new StoredObject(raw), old });
    return true;
  }

  /** Loads many objects without recording watch history (fast setup for benchmarks); one version for all. */
  bulkLoad(plural: string, objects: Iterable<Record<string, unknown>>): void {
    const resource = this.resource(plural);
    const store = this.#objects.get(resource)!;
    const rv = String(++this.#rv);
    this.#sortedKeys.delete(resource);
    for (const object of objects) {
      const metadata = { ...((object["metadata"] as Record<string, unknown> | undefined) ?? {}), resourceVersion: rv };
      const raw: RawObject = { ...object, metadata };
      store.set(storeKey(raw), new StoredObject(raw));
    }
    this.#compactedRv = this.#rv; // nothing before this version can be replayed
  }

  count(plural: string): number {
    return this.#objects.get(this.resource(plural))!.size;
  }

  /** Forgets all history: every watch or continue token from before now gets 410 Gone. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedRv = this.#rv;
  }

  /** Cuts every open watch connection mid-stream (socket destroyed, no clean end). */
  cutWatches(): void {
    for (const watch of this.#watches) watch.response.socket?.destroy();
    this.#watches.clear();
  }

  /** Sends `ERROR` with a 410 Status to every open watch and ends it. */
  expireWatches(): void {
    for (const watch of this.#watches) {
      watch.response.end(`{"type":"ERROR","object":${statusJson(410, "Expired", "too old resource version")}}\n`);
      clearTimeout(watch.timer);
    }
    this.#watches.clear();
  }

  /** Writes a line that is not JSON to every open watch. */
  writeMalformedLine(line = '{"type":"MODIFIED","object":{"metadata":'): void {
    for (const watch of this.#watches) watch.response.write(`${line}\n`);
  }

  /** Sends a BOOKMARK with the current version to every watch that allowed bookmarks. */
  bookmark(): void {
    for (const watch of this.#watches) {
      if (!watch.bookmarks) continue;
      const object = { kind: watch.resource.kind, apiVersion: watch.resource.version, metadata: { resourceVersion: String(this.#rv) } };
      watch.response.write(`{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`);
    }
  }

  /** The next `count` requests whose path starts with `pathPrefix` (and any query) are answered with `status`. */
  failNext(pathPrefix: string, status: number, count = 1): void {
    this.#faults.push({ pathPrefix, status, remaining: count });
  }

  get openWatches(): number {
    return this.#watches.size;
  }

  /** Logged requests whose path starts with `prefix`. */
  requestsTo(prefix: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  // ---- protocol ------------------------------------------------------------------------------------------

  #record(event: HistoryEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historyLimit);
      this.#compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const watch of this.#watches) {
      if (watch.resource === event.resource) this.#send(watch, event);
    }
  }

  #send(watch: OpenWatch, event: HistoryEvent): void {
    if (watch.namespace !== undefined && event.object.namespace !== watch.namespace) return;
    const isNow = watch.matches === undefined || watch.matches(event.object.object);
    const wasBefore = event.old !== undefined && (watch.matches === undefined || watch.matches(event.old.object));
    let type: string;
    if (event.type === "DELETED") {
      if (!wasBefore && !isNow) return;
      type = "DELETED";
    } else if (isNow) type = event.type === "MODIFIED" && !wasBefore ? "ADDED" : event.type;
    else if (wasBefore) type = "DELETED";
    else return;
    watch.response.write(`{"type":"${type}","object":${event.object.json}}\n`);
  }

  #endWatches(): void {
    for (const watch of this.#watches) {
      clearTimeout(watch.timer);
      watch.response.end();
    }
    this.#watches.clear();
  }

  #route(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://fake");
    this.requests.push({ method: request.method ?? "GET", path: url.pathname, query: url.searchParams, headers: request.headers });
    const fault = this.#faults.find((f) => f.remaining > 0 && url.pathname.startsWith(f.pathPrefix));
    if (fault !== undefined) {
      fault.remaining--;
      return this.#reply(response, fault.status, statusJson(fault.status, fault.status === 410 ? "Expired" : "InternalError", "injected fault"));
    }
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/version") {
      const { major, minor } = this.#version;
      return this.#reply(response, 200, JSON.stringify({ major, minor, gitVersion: `v${major}.${minor}.0`, platform: "linux/amd64" }));
    }
    if (path === "/api") {
      return this.#reply(response, 200, JSON.stringify({ kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `127.0.0.1:${this.#port}` }] }));
    }
    if (path === "/apis") return this.#reply(response, 200, this.#groupList());
    const discovery = this.#resourceList(path);
    if (discovery !== undefined) return this.#reply(response, 200, discovery);
    const target = this.#parseResourcePath(path);
    if (target === undefined) return this.#reply(response, 404, statusJson(404, "NotFound", "the server could not find the requested resource"));
    if (target.name !== undefined) {
      const key = target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
      const found = this.#objects.get(target.resource)!.get(key);
      if (found === undefined) return this.#reply(response, 404, statusJson(404, "NotFound", `${target.resource.plural} "${target.name}" not found`));
      return this.#reply(response, 200, found.json);
    }
    let matches: ObjectMatcher;
    try {
      matches = this.#matcher(url.searchParams);
    } catch (error) {
      return this.#reply(response, 400, statusJson(400, "BadRequest", error instanceof Error ? error.message : String(error)));
    }
    const isWatch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
    if (isWatch) this.#watch(target.resource, target.namespace, matches, url.searchParams, response);
    else this.#list(target.resource, target.namespace, matches, url.searchParams, response);
  }

  #reply(response: ServerResponse, status: number, body: string): void {
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
  }

  #groupList(): string {
    const groups = new Map<string, string>();
    for (const r of FAKE_RESOURCES) if (r.group !== "") groups.set(r.group, r.version);
    return JSON.stringify({
      kind: "APIGroupList", apiVersion: "v1",
      groups: [...groups].map(([name, version]) => {
        const gv = { groupVersion: `${name}/${version}`, version };
        return { name, versions: [gv], preferredVersion: gv };
      }),
    });
  }

  #resourceList(path: string): string | undefined {
    const resources = FAKE_RESOURCES.filter((r) => apiPath(r) === path);
    if (resources.length === 0) return undefined;
    const first = resources[0]!;
    return JSON.stringify({
      kind: "APIResourceList", apiVersion: "v1", groupVersion: first.group === "" ? first.version : `${first.group}/${first.version}`,
      resources: resources.map((r) => ({ name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ["get", "list", "watch"] })),
    });
  }

  #parseResourcePath(path: string): { resource: FakeResource; namespace: string | undefined; name: string | undefined } | undefined {
    for (const resource of FAKE_RESOURCES) {
      const root = apiPath(resource);
      if (!path.startsWith(`${root}/`)) continue;
      const rest = path.slice(root.length + 1).split("/").map(decodeURIComponent);
      let namespace: string | undefined;
      if (rest[0] === "namespaces" && rest.length >= 3 && resource.namespaced) {
        namespace = rest[1];
        rest.splice(0, 2);
      }
      if (rest[0] !== resource.plural || rest.length > 2) continue;
      return { resource, namespace, name: rest[1] };
    }
    return undefined;
  }

  #matcher(query: URLSearchParams): ObjectMatcher {
    const labelText = query.get("labelSelector") ?? "";
    const labels: Matcher = compileSelector(labelText, "label");
    const fieldText = query.get("fieldSelector") ?? "";
    const fields: Matcher = compileSelector(fieldText, "field");
    for (const part of fieldText.split(",")) {
      const field = part.split(/!?==?/, 1)[0]!.trim();
      if (field !== "" && !isSupportedField(field)) throw new Error(`field label not supported: ${field}`);
    }
    if (labelText.trim() === "" && fieldText.trim() === "") return undefined;
    return (object) => {
      const objectLabels = object.metadata["labels"] as Record<string, string> | undefined;
      return labels((k) => objectLabels?.[k]) && fields((k) => fieldValue(object, k));
    };
  }

  #list(resource: FakeResource, namespace: string | undefined, matches: ObjectMatcher, query: URLSearchParams, response: ServerResponse): void {
    const limit = Number.parseInt(query.get("limit") ?? "0", 10) || 0;
    const token = query.get("continue") ?? "";
    let listRv = this.#rv;
    let after = "";
    if (token !== "") {
      const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { rv: number; after: string }; // our own token
      if (decoded.rv < this.#compactedRv) {
        return this.#reply(response, 410, statusJson(410, "Expired", "The provided continue parameter is too old to display a consistent list result."));
      }
      listRv = decoded.rv;
      after = decoded.after;
    } else {
      const rv = query.get("resourceVersion") ?? "";
      // A version with a limit (or resourceVersionMatch=Exact) asks for exactly that version, which is gone
      // once compacted; without them any newer state will do (NotOlderThan).
      const isExact = query.get("resourceVersionMatch") === "Exact" || (limit > 0 && query.get("resourceVersionMatch") === null);
      if (rv !== "" && rv !== "0" && Number(rv) < this.#compactedRv && isExact) {
        return this.#reply(response, 410, statusJson(410, "Expired", `too old resource version: ${rv} (${this.#compactedRv})`));
      }
    }
    const store = this.#objects.get(resource)!;
    let keys = this.#sortedKeys.get(resource);
    if (keys === undefined) {
      keys = [...store.keys()].sort();
      this.#sortedKeys.set(resource, keys);
    }
    // First key after the cursor (binary search).
    let start = 0;
    if (after !== "") {
      let high = keys.length;
      while (start < high) {
        const mid = (start + high) >>> 1;
        if (keys[mid]! <= after) start = mid + 1;
        else high = mid;
      }
    }
    response.writeHead(200, { "content-type": "application/json" });
    const kind = `${resource.kind}List`;
    const apiVersion = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
    response.write(`{"kind":"${kind}","apiVersion":"${apiVersion}","items":[`);
    let written = 0;
    let lastKey = "";
    let chunk: string[] = [];
    let i = start;
    for (; i < keys.length; i++) {
      if (limit > 0 && written >= limit) break;
      const stored = store.get(keys[i]!)!;
      if (namespace !== undefined && stored.namespace !== namespace) continue;
      if (matches !== undefined && !matches(stored.object)) continue;
      chunk.push(stored.json);
      written++;
      lastKey = keys[i]!;
      if (chunk.length >= 256) {
        response.write((written > chunk.length ? "," : "") + chunk.join(","));
        chunk = [];
      }
    }
    if (chunk.length > 0) response.write((written > chunk.length ? "," : "") + chunk.join(","));
    const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (limit > 0 && i < keys.length) metadata["continue"] = Buffer.from(JSON.stringify({ rv: listRv, after: lastKey })).toString("base64url");
    response.end(`],"metadata":${JSON.stringify(metadata)}}`);
  }

  #watch(resource: FakeResource, namespace: string | undefined, matches: ObjectMatcher, query: URLSearchParams, response: ServerResponse): void {
    const rvText = query.get("resourceVersion") ?? "";
    const from = Number(rvText || "0");
    const isExpired = rvText !== "" && rvText !== "0" && from < this.#compactedRv;
    if (isExpired && this.expiredAsHttpStatus) return this.#reply(response, 410, statusJson(410, "Expired", `too old resource version: ${from} (${this.#compactedRv})`));
    response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    response.flushHeaders();
    if (isExpired) {
      response.end(`{"type":"ERROR","object":${statusJson(410, "Expired", `too old resource version: ${from} (${this.#compactedRv})`)}}\n`);
      return;
    }
    const timeoutSeconds = Number.parseInt(query.get("timeoutSeconds") ?? "1800", 10);
    const watch: OpenWatch = {
      resource, namespace, matches, response,
      bookmarks: query.get("allowWatchBookmarks") === "true",
      timer: setTimeout(() => {
        this.#watches.delete(watch);
        response.end();
      }, timeoutSeconds * 1000),
    };
    watch.timer.unref();
    if (rvText === "" || rvText === "0") {
      // "Any" version: the real server starts with synthetic ADDED events for the current state.
      for (const stored of this.#objects.get(resource)!.values()) {
        if (namespace !== undefined && stored.namespace !== namespace) continue;
        if (matches === undefined || matches(stored.object)) response.write(`{"type":"ADDED","object":${stored.json}}\n`);
      }
    } else {
      for (const event of this.#history) if (event.rv > from && event.resource === resource) this.#send(watch, event);
    }
    this.#watches.add(watch);
    response.on("close", () => {
      clearTimeout(watch.timer);
      this.#watches.delete(watch);
    });
  }
}
