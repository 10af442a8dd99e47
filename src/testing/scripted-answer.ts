/**
 * Scripted misbehaviour for the fakes that speak a provider's wire protocol (Eureka, Uyuni, Nomad, Kuma):
 * one answer instead of the real one — any status and body, a body cut off mid-way, a server that sends
 * part of a body and then never answers again, or one that never answers at all.
 */
import type { ServerResponse } from "node:http";

export interface ScriptedAnswer {
  readonly status: number;
  readonly body: string | Buffer;
  readonly contentType?: string;
  /** Send the headers and this many bytes of the body, then cut the connection. */
  readonly truncateAfterBytes?: number;
  /** Send the headers and this many bytes of the body, then stay silent with the connection open. */
  readonly stallAfterBytes?: number;
  /** Never answer (the client's deadline must fire). */
  readonly hang?: boolean;
}

/** Writes `answer` to `response` (Content-Length is always the full body's). */
export function writeScriptedAnswer(response: ServerResponse, answer: ScriptedAnswer): void {
  if (answer.hang === true) return;
  const body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
  response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/octet-stream", "content-length": String(body.length) });
  if (answer.stallAfterBytes !== undefined) {
    response.write(body.subarray(0, answer.stallAfterBytes));
    return;
  }
  if (answer.truncateAfterBytes === undefined) {
    response.end(body);
    return;
  }
  response.write(body.subarray(0, answer.truncateAfterBytes));
  setTimeout(() => response.destroy(), 10);
}

/** A queue of one-off answers plus an optional answer for every request; `undefined` means "answer normally". */
export class AnswerScript {
  readonly #queue: ScriptedAnswer[] = [];
  #always: ScriptedAnswer | undefined;

  next(answer: ScriptedAnswer): void {
    this.#queue.push(answer);
  }

  always(answer: ScriptedAnswer | undefined): void {
    this.#always = answer;
  }

  take(): ScriptedAnswer | undefined {
    return this.#queue.shift() ?? this.#always;
  }
}
