/**
 * A fake Marathon speaking the one endpoint Prometheus uses, `GET /v2/apps/?embed=apps.tasks` (spec
 * marathon.md 2), on 127.0.0.1. Tests script it: replace the apps, queue raw answers (status, body,
 * content type, a truncated or never-finished body), and read the requests it received.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ServerOptions } from "node:https";
import { startServer, type TestServer } from "../../http/test-support.js";

export interface FakeMarathonRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** One scripted answer instead of the apps list. */
export interface FakeMarathonAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  /** Send the headers and this much of the body, then cut the connection. */
  readonly truncateAfterBytes?: number;
  /** Never answer (the client's timeout must fire). */
  readonly hang?: boolean;
}

export interface FakeMarathon {
  /** `http://127.0.0.1:<port>`, to use as a `servers` entry. */
  readonly url: string;
  readonly requests: readonly FakeMarathonRequest[];
  /** Replaces the apps (JSON-able objects in Marathon's schema). */
  setApps(apps: readonly unknown[]): void;
  /** Answers the next request with `answer` instead of the apps (queued, in order). */
  answerNext(answer: FakeMarathonAnswer): void;
  /** Answers every request with `answer` until cleared with `undefined`. */
  answerAlways(answer: FakeMarathonAnswer | undefined): void;
  close(): Promise<void>;
}

/** `tls`: serve HTTPS with these node:https options (e.g. certificates from generateTestCerts). */
export async function startFakeMarathon(options: { apps?: readonly unknown[]; host?: string; tls?: ServerOptions } = {}): Promise<FakeMarathon> {
  let apps: readonly unknown[] = options.apps ?? [];
  const queue: FakeMarathonAnswer[] = [];
  let always: FakeMarathonAnswer | undefined;
  const requests: FakeMarathonRequest[] = [];
  const server: TestServer = await startServer((request, response) => {
    requests.push({ url: request.url ?? "", headers: request.headers });
    if (request.method !== "GET" || request.url !== "/v2/apps/?embed=apps.tasks") {
      response.writeHead(404, { "content-type": "application/json" }).end('{"message":"not found"}');
      return;
    }
    const answer = queue.shift() ?? always ?? { status: 200, body: JSON.stringify({ apps }) };
    if (answer.hang === true) return;
    const body = Buffer.from(answer.body);
    response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json", "content-length": String(body.length) });
    if (answer.truncateAfterBytes === undefined) {
      response.end(body);
      return;
    }
    response.write(body.subarray(0, answer.truncateAfterBytes));
    setTimeout(() => response.destroy(), 10);
  }, { host: options.host ?? "127.0.0.1", ...(options.tls ? { tls: options.tls } : {}) });
  return {
    url: server.origin,
    requests,
    setApps: (next) => {
      apps = next;
    },
    answerNext: (answer) => void queue.push(answer),
    answerAlways: (answer) => {
      always = answer;
    },
    close: () => server.close(),
  };
}
