/**
 * `@azure/identity`'s HTTP client slot filled with promsd's HTTP client: token requests (AAD, managed
 * identity endpoints) get the job's TLS and proxy settings, capped bodies and the same transport as
 * every other request. Only types come from the Azure packages; `createHttpHeaders` is handed in by the
 * caller, which has loaded `@azure/core-rest-pipeline` lazily.
 */
import type { HttpClient as AzureHttpClient, HttpHeaders, PipelineRequest, PipelineResponse, RawHttpHeaders } from "@azure/core-rest-pipeline";
import type { HttpClient } from "../../http/http-client.js";

/** Token answers are small; this cap only guards against a broken or hostile endpoint. */
const MAX_TOKEN_BODY_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

function toAbortSignal(request: PipelineRequest): AbortSignal {
  const like = request.abortSignal;
  if (like === undefined) return new AbortController().signal;
  if (like instanceof AbortSignal) return like;
  const controller = new AbortController();
  if (like.aborted) controller.abort();
  else like.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}

function requestBody(request: PipelineRequest): string | Buffer | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error("promsd's Azure identity transport sends only string and byte bodies");
}

export function identityHttpClient(client: HttpClient, createHttpHeaders: (raw?: RawHttpHeaders) => HttpHeaders): AzureHttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const method = request.method === "POST" || request.method === "PUT" ? request.method : "GET";
      const body = requestBody(request);
      const response = await client.request(request.url, {
        method,
        ...(body === undefined ? {} : { body }),
        headers: request.headers.toJSON(),
        signal: toAbortSignal(request),
        timeoutMs: request.timeout > 0 ? request.timeout : DEFAULT_TIMEOUT_MS,
        maxBodyBytes: MAX_TOKEN_BODY_BYTES,
      });
      return { request, status: response.status, headers: createHttpHeaders(response.headers), bodyAsText: response.body.toString("utf8") };
    },
  };
}
