/**
 * `GET /api/v1/sd/<job>[?view=final|discovered][&shard=i&shards=n]`: a job's targets in the http_sd format
 * Prometheus's http_sd_configs client accepts (core.md 6.2: 200, `application/json`, the full list, `[]` when
 * empty). Bodies are computed once per change and cached by the identity of the input they were built from
 * (JobTargets and discovered-group arrays are immutable and replaced on change), with a strong ETag, so a
 * poll costs a map lookup and, with `If-None-Match`, an empty 304. The cache holds each body once, as UTF-8
 * chunks (plus its gzip once asked for), and the server writes them chunk by chunk (core.md 7.4). The
 * unsharded final view is patched per change from per-target pieces (./final-body.ts), not encoded whole.
 */
import type { TargetGroup } from "../../model/target-group.js";
import type { JobTargets, TargetsView } from "../../targets/types.js";
import type { DaemonMetrics } from "../metrics/daemon-metrics.js";
import { encodePieces, gzipChunks, type EncodedBody } from "../http/byte-chunks.js";
import { goJsonString, stringsJson } from "../http/go-json.js";
import { apiError, jsonResponse, type HttpRequest, type HttpResponse, JSON_CONTENT_TYPE } from "../http/router.js";
import { FinalBodyPieces, type FinalBody } from "./final-body.js";
import { GENERATION_HEADER, SdAllocation, type SdAllocationOptions } from "./allocation.js";
import { discoveredGroups, sdGroupsPieces, shardGroups, type SdGroup, type SdView, type Shard } from "./groups.js";

export const HTTP_SD_PATH_PREFIX = "/api/v1/sd/";

export interface HttpSdOptions {
  readonly targets: TargetsView;
  /** The job's groups as discovered (latest snapshot); undefined when the job has none yet. */
  readonly discoveredGroups: (jobName: string) => readonly TargetGroup[] | undefined;
  readonly metrics?: DaemonMetrics;
  /** `?consumer=<id>` allocation (issue 17); undefined: the parameter is rejected. */
  readonly allocation?: SdAllocationOptions;
}

/**
 * Until each provider of a job delivered an initial set and the job's targets were built from it, the job
 * answers 503 with the providers it waits for, however long that takes (also after the daemon's initial-set
 * timeout): Prometheus's http_sd client keeps its last targets on an error but drops them on `[]`, so a
 * promsd restarted while, say, its Consul agent is down must not empty its consumers.
 */
export function notDeliveredMessage(jobName: string, waitingFor: readonly string[]): string {
  const who = waitingFor.length === 0 ? "its initial targets are still being built" : `waiting for the initial targets of ${waitingFor.join(", ")}`;
  return `job ${JSON.stringify(jobName)} has no targets to serve yet: ${who}; retry later`;
}

/**
 * One encoded body per (input, view, shard). The bytes are the only copy of the body: no string of it is kept,
 * and they are written chunk by chunk (core.md 7.4).
 */
interface CachedBody {
  readonly etag: string;
  readonly encoded: EncodedBody;
  /** gzip of the bytes, made on the first request that accepts gzip (curl --compressed, scripts; Prometheus 2.42 does not ask for it). */
  gzip?: Promise<readonly Buffer[]>;
  /** Set for `?consumer=` answers: the allocation they were cut from. */
  readonly generation?: string;
  /** Kept for the unsharded variant only: the base every shard is cut from. */
  readonly groups?: readonly SdGroup[];
}

const GZIP_MIN_BYTES = 1024;

/** Bound on cached shard variants per input, so odd `shards` values cannot grow memory. */
const MAX_VARIANTS = 1024;
const EMPTY: readonly TargetGroup[] = [];

export class HttpSdOutput {
  readonly #options: HttpSdOptions;
  readonly #cache = new WeakMap<object, Map<string, CachedBody>>();
  /** Per job, the pieces of its final body and the body they last gave (with its gzip once asked for). */
  readonly #final = new Map<string, { readonly pieces: FinalBodyPieces; body?: FinalBody; cached?: CachedBody }>();
  readonly #allocation: SdAllocation | undefined;

  constructor(options: HttpSdOptions) {
    this.#options = options;
    this.#allocation = options.allocation && new SdAllocation(options.allocation, options.metrics);
  }

  /** Route handler for every path under HTTP_SD_PATH_PREFIX. */
  async handle(request: HttpRequest): Promise<HttpResponse> {
    const jobName = decodeJobName(request.url.pathname.slice(HTTP_SD_PATH_PREFIX.length));
    const params = request.url.searchParams;
    const view = params.get("view") ?? "final";
    const knownJob = jobName !== undefined && this.#options.targets.jobNames().includes(jobName) ? jobName : undefined;
    const response = knownJob === undefined ? apiError("not_found", `unknown job ${JSON.stringify(jobName ?? "")}`) : await this.#answer(request, knownJob, view);
    this.#options.metrics?.httpSdRequests.inc({ job: knownJob ?? "", view: view === "discovered" ? view : "final", code: String(response.status) });
    return response;
  }

  async #answer(request: HttpRequest, jobName: string, view: string): Promise<HttpResponse> {
    if (view !== "final" && view !== "discovered") return apiError("bad_data", `invalid view "${view}"; expected final or discovered`);
    const shard = parseShard(request.url.searchParams);
    if (typeof shard === "string") return apiError("bad_data", shard);
    const consumer = request.url.searchParams.get("consumer") ?? undefined;
    if (consumer !== undefined) {
      if (shard) return apiError("bad_data", "consumer cannot be combined with shard/shards");
      if (!this.#allocation) return apiError("bad_data", "consumer given but allocation is not enabled (--allocation.consumers)");
      if (!this.#allocation.admit(consumer)) return apiError("not_found", `unknown consumer ${JSON.stringify(consumer)}`);
    }
    const delivery = this.#options.targets.delivery(jobName);
    if (!delivery.isComplete) return notDelivered(jobName, delivery.waitingFor);
    const cached = this.#body(jobName, view, shard, consumer);
    const headers: Record<string, string> = { "content-type": JSON_CONTENT_TYPE, etag: cached.etag, "cache-control": "no-cache", vary: "Accept-Encoding" };
    if (cached.generation !== undefined) headers[GENERATION_HEADER] = cached.generation;
    if (matchesEtag(request.headers["if-none-match"], cached.etag)) return { status: 304, headers, body: "" };
    const { chunks, byteLength } = cached.encoded;
    // Small bodies are not worth compressing; large ones shrink about 10x.
    if (byteLength >= GZIP_MIN_BYTES && acceptsGzip(request.headers["accept-encoding"])) {
      cached.gzip ??= gzipChunks(chunks);
      return bytesResponse({ ...headers, "content-encoding": "gzip" }, await cached.gzip, chunks);
    }
    return bytesResponse(headers, chunks, chunks);
  }

  /** The unsharded final body of a job, patched from the one before (undefined: the job has no targets yet). */
  #finalBody(jobName: string, job: JobTargets | undefined): { body: FinalBody; cached: CachedBody } | undefined {
    if (job === undefined) return undefined;
    let state = this.#final.get(jobName);
    if (state === undefined) {
      // Jobs gone from the config leave their pieces behind: forget them when another job is added.
      const configured = new Set(this.#options.targets.jobNames());
      for (const name of this.#final.keys()) if (!configured.has(name)) this.#final.delete(name);
      this.#final.set(jobName, (state = { pieces: new FinalBodyPieces() }));
    }
    if (state.body?.job !== job || state.cached === undefined) {
      const body = state.pieces.update(job);
      state.body = body;
      state.cached = { etag: body.etag, encoded: body.body };
    }
    return { body: state.body, cached: state.cached };
  }

  #body(jobName: string, view: SdView, shard: Shard | undefined, consumer?: string): CachedBody {
    let input: object;
    let build: () => SdGroup[];
    if (view === "final") {
      const job: JobTargets | undefined = this.#options.targets.job(jobName);
      const final = this.#finalBody(jobName, job);
      if (final !== undefined && shard === undefined && consumer === undefined) return final.cached;
      input = job ?? EMPTY;
      build = () => (final ? final.body.groups() : []);
    } else {
      const groups = this.#options.discoveredGroups(jobName) ?? EMPTY;
      input = groups;
      build = () => discoveredGroups(groups);
    }
    let variants = this.#cache.get(input);
    if (!variants) this.#cache.set(input, (variants = new Map()));
    // The unsharded list is the base of every shard and every consumer's share; built once per input.
    let baseEntry = variants.get(`${view}/all`);
    if (!baseEntry?.groups) {
      const groups = build();
      const encoded = encodePieces(sdGroupsPieces(groups));
      variants.set(`${view}/all`, (baseEntry = { etag: `"${encoded.sha1}"`, encoded, groups }));
    }
    const base = baseEntry.groups ?? [];
    const allocation = consumer !== undefined && this.#allocation ? this.#allocation.allocationOf(jobName, view, base) : undefined;
    const key = allocation ? `${view}/consumer/${allocation.generation}/${consumer}` : `${view}/${shard ? `${shard.shard}/${shard.shards}` : "all"}`;
    const hit = variants.get(key);
    if (hit) return hit;
    const groups = allocation && consumer !== undefined && this.#allocation ? this.#allocation.groupsOf(base, allocation, consumer) : shard ? shardGroups(base, shard) : base;
    const encoded = encodePieces(sdGroupsPieces(groups));
    const etag = `"${encoded.sha1}"`;
    const entry: CachedBody = { etag, encoded, ...(allocation ? { generation: allocation.generation } : {}) };
    if (variants.size < MAX_VARIANTS) variants.set(key, entry);
    return entry;
  }

}

/** 503 with Prometheus's error shape plus `waitingFor`, the provider names, for scripts and the UI. */
export function notDelivered(jobName: string, waitingFor: readonly string[]): HttpResponse {
  const message = goJsonString(notDeliveredMessage(jobName, waitingFor));
  return jsonResponse(`{"status":"error","errorType":"unavailable","error":${message},"waitingFor":${stringsJson(waitingFor)}}`, 503, { "retry-after": "5" });
}

/** A 200 sending `wire` as it is; `body` (what in-process callers read) is the identity text, decoded on demand. */
function bytesResponse(headers: Record<string, string>, wire: readonly Buffer[], identity: readonly Buffer[]): HttpResponse {
  return {
    status: 200,
    headers,
    chunks: () => wire,
    contentLength: wire.reduce((n, chunk) => n + chunk.length, 0),
    get body() {
      return Buffer.concat(identity).toString();
    },
  };
}

function decodeJobName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

const UINT = /^(0|[1-9][0-9]{0,8})$/;

/** `shard` and `shards` together, `0 <= shard < shards`; returns the problem as a string. */
export function parseShard(params: URLSearchParams): Shard | undefined | string {
  const shardText = params.get("shard");
  const shardsText = params.get("shards");
  if (shardText === null && shardsText === null) return undefined;
  if (shardText === null || shardsText === null) return "shard and shards must be given together";
  if (!UINT.test(shardsText) || Number(shardsText) < 1) return `invalid shards "${shardsText}"; expected an integer >= 1`;
  if (!UINT.test(shardText)) return `invalid shard "${shardText}"; expected an integer >= 0`;
  const shard = Number(shardText);
  const shards = Number(shardsText);
  if (shard >= shards) return `shard ${shard} out of range; expected 0 <= shard < shards (${shards})`;
  return { shard, shards };
}

/** True when Accept-Encoding lists gzip without `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";").map((p) => p.trim());
    return (coding === "gzip" || coding === "x-gzip") && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** RFC 9110 If-None-Match: `*` or a list of (possibly weak) entity tags, compared weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
