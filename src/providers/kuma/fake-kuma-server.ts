/**
 * A fake Kuma control plane serving MADS v1 over xDS v3 REST, as Kuma's MADS server does:
 * `POST /v3/discovery:monitoringassignments?fetch-timeout=<d>` with a protobuf-JSON DiscoveryRequest. When
 * the request's `version_info` is not the current version it answers at once (200, DiscoveryResponse with
 * the assignments as `Any`s, a new nonce); when it is, it holds the request until the assignments change
 * (then 200) or `fetch-timeout` passes (then 304 Not Modified). Tests script faults and read the requests.
 */
import { requestBody, startServer, type TestServer } from "../../http/test-support.js";
import { AnswerScript, writeScriptedAnswer } from "../../testing/scripted-answer.js";
import { MADS_TYPE_URL } from "./mads.js";

export interface FakeKumaRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed DiscoveryRequest. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly rawBody: string;
}

export interface FakeKuma {
  readonly url: string;
  readonly requests: readonly FakeKumaRequest[];
  readonly version: string;
  /** Replaces the assignments (protobuf-JSON MonitoringAssignments) and bumps the version. */
  setAssignments(assignments: readonly unknown[]): void;
  readonly script: AnswerScript;
  close(): Promise<void>;
}

function parseGoDurationMs(text: string | null): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text ?? "");
  if (match === null) return 120_000;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
}

export async function startFakeKuma(options: { assignments?: readonly unknown[]; port?: number } = {}): Promise<FakeKuma> {
  let assignments = options.assignments ?? [];
  let version = 1;
  let nonce = 0;
  const waiters = new Set<() => void>();
  const requests: FakeKumaRequest[] = [];
  const script = new AnswerScript();
  const server: TestServer = await startServer((request, response) => {
    void requestBody(request).then((rawBody) => {
      const url = new URL(request.url ?? "/", "http://kuma");
      if (request.method !== "POST" || url.pathname !== "/v3/discovery:monitoringassignments") {
        response.writeHead(404).end();
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        response.writeHead(400).end("bad request");
        return;
      }
      requests.push({ url: request.url ?? "", headers: request.headers, body, rawBody });
      const scripted = script.take();
      if (scripted !== undefined) {
        writeScriptedAnswer(response, scripted);
        return;
      }
      const answer = (): void => {
        const payload = { version_info: String(version), resources: assignments.map((a) => ({ "@type": MADS_TYPE_URL, ...(a as object) })), type_url: MADS_TYPE_URL, nonce: `n${++nonce}` };
        writeScriptedAnswer(response, { status: 200, body: JSON.stringify(payload), contentType: "application/json" });
      };
      if (body["version_info"] !== String(version)) {
        answer();
        return;
      }
      const held = (): void => {
        clearTimeout(timer);
        waiters.delete(held);
        answer();
      };
      const timer = setTimeout(() => {
        waiters.delete(held);
        response.writeHead(304).end();
      }, parseGoDurationMs(url.searchParams.get("fetch-timeout")));
      waiters.add(held);
      response.on("close", () => {
        clearTimeout(timer);
        waiters.delete(held);
      });
    });
  }, options.port !== undefined ? { port: options.port } : {});
  return {
    url: server.origin,
    requests,
    get version() {
      return String(version);
    },
    setAssignments: (next) => {
      assignments = next;
      version++;
      for (const wake of [...waiters]) wake();
    },
    script,
    close: async () => {
      waiters.clear();
      await server.close();
    },
  };
}
