/**
 * The ground every fake AWS API stands on (EC2's query API, Lightsail's and ECS's JSON protocol, RDS,
 * ElastiCache, MSK, STS): an HTTP server on 127.0.0.1 that records each request with what the SDK signed it
 * with (the access key id of the SigV4 `Credential=` scope and the session token), routes it by operation
 * (`Action=` of a query body, `X-Amz-Target` of a JSON body, or method + path), and lets tests script faults
 * in front of the real answers: throttling, 5xx, a body larger than promsd's cap, a cut or hung answer.
 *
 * Each service's fake (in its provider's folder) supplies the routes and the wire format of its answers.
 */
import type { IncomingHttpHeaders } from "node:http";
import { requestBody, startServer, type TestServer } from "../../../http/test-support.js";

export interface AwsFakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Query protocol `Action`, JSON protocol `X-Amz-Target` suffix, or "" for REST calls. */
  readonly operation: string;
  /** Form parameters of a query-protocol body (empty otherwise). */
  readonly form: URLSearchParams;
  /** From `Authorization: AWS4-HMAC-SHA256 Credential=<id>/…`; "" when unsigned. */
  readonly accessKeyId: string;
  /** The region of the SigV4 credential scope; "" when unsigned. */
  readonly signingRegion: string;
  readonly sessionToken: string;
}

export interface AwsFakeAnswer {
  readonly status: number;
  readonly body: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Never answer (the client's deadline must fire). */
  readonly hang?: boolean;
  /** Send the headers and this much of the body, then cut the connection. */
  readonly truncateAfterBytes?: number;
}

export type AwsFakeRoute = (request: AwsFakeRequest) => AwsFakeAnswer | undefined;

export interface AwsFake {
  /** `http://127.0.0.1:<port>`, to use as `endpoint`. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly AwsFakeRequest[];
  /** Requests of one operation, in order. */
  requestsOf(operation: string): AwsFakeRequest[];
  /** Answers the next `times` requests (of `operation`, or of any) with `answer` instead of the route's. */
  failNext(answer: AwsFakeAnswer, options?: { times?: number; operation?: string; match?: (request: AwsFakeRequest) => boolean }): void;
  /** Answers every request with `answer` until called with undefined. */
  failAlways(answer: AwsFakeAnswer | undefined): void;
  close(): Promise<void>;
}

interface QueuedFault {
  readonly answer: AwsFakeAnswer;
  readonly matches: (request: AwsFakeRequest) => boolean;
}

export interface AwsFakeOptions {
  /** Listen on this port (to come back on the same address after a close). */
  readonly port?: number;
  /** Serve HTTPS with this certificate (e.g. from src/testing/cloud/tls-fake.ts for a real AWS host name). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//;

function operationOf(headers: IncomingHttpHeaders, form: URLSearchParams): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  return form.get("Action") ?? "";
}

/** Starts a fake whose `route` answers each request; an unrouted request gets a 400 UnknownOperation. */
export async function startAwsFake(route: AwsFakeRoute, options: AwsFakeOptions = {}): Promise<AwsFake> {
  const requests: AwsFakeRequest[] = [];
  const faults: QueuedFault[] = [];
  let always: AwsFakeAnswer | undefined;
  const server: TestServer = await startServer((req, res) => {
    void (async () => {
      const body = await requestBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const isForm = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
      const form = new URLSearchParams(isForm ? body : "");
      const credential = CREDENTIAL.exec(req.headers.authorization ?? "");
      const request: AwsFakeRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        operation: operationOf(req.headers, form),
        form,
        accessKeyId: credential?.[1] ?? "",
        signingRegion: credential?.[2] ?? "",
        sessionToken: typeof req.headers["x-amz-security-token"] === "string" ? req.headers["x-amz-security-token"] : "",
      };
      requests.push(request);
      const faultIndex = faults.findIndex((f) => f.matches(request));
      const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0]?.answer : undefined;
      const answer = fault ?? always ?? route(request) ?? { status: 400, body: `unknown operation ${request.method} ${request.path} ${request.operation}` };
      if (answer.hang === true) return;
      const payload = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
      res.writeHead(answer.status, { "content-length": String(payload.length), "x-amzn-requestid": `req-${requests.length}`, ...answer.headers });
      if (answer.truncateAfterBytes === undefined) {
        res.end(payload);
        return;
      }
      res.write(payload.subarray(0, answer.truncateAfterBytes));
      setTimeout(() => res.destroy(), 10);
    })().catch((error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))));
  }, { ...(options.port === undefined ? {} : { port: options.port }), ...(options.tls === undefined ? {} : { tls: options.tls }) });
  return {
    url: server.origin,
    port: server.port,
    requests,
    requestsOf: (operation) => requests.filter((r) => r.operation === operation),
    failNext(answer, { times = 1, operation, match = () => true } = {}) {
      const matches = (request: AwsFakeRequest): boolean => (operation === undefined || request.operation === operation) && match(request);
      for (let i = 0; i < times; i++) faults.push({ answer, matches });
    },
    failAlways(answer) {
      always = answer;
    },
    close: () => server.close(),
  };
}

const xmlEscape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export { xmlEscape };

/** An EC2 query API error (EC2's own `<Response><Errors>` shape). */
export function ec2ErrorAnswer(code: string, status: number, message = code): AwsFakeAnswer {
  return { status, headers: { "content-type": "text/xml;charset=UTF-8" }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>fake</RequestID></Response>` };
}

/** An awsQuery error (STS, RDS, ElastiCache). */
export function queryErrorAnswer(code: string, status: number, message = code): AwsFakeAnswer {
  return { status, headers: { "content-type": "text/xml" }, body: `<ErrorResponse><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>` };
}

/** An awsJson / restJson error (Lightsail, ECS, MSK). */
export function jsonErrorAnswer(code: string, status: number, message = code): AwsFakeAnswer {
  return { status, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": code }, body: JSON.stringify({ __type: code, message }) };
}

/** A 200 answer whose body is `bytes` long: larger than a body cap it must trip the cap, not memory. */
export function oversizedAnswer(bytes: number, contentType = "text/xml"): AwsFakeAnswer {
  return { status: 200, headers: { "content-type": contentType }, body: Buffer.alloc(bytes, 0x20) };
}
