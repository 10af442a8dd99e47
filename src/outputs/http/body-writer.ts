/**
 * Writes a body given as pieces (`HttpResponse.chunks`) to a socket with bounded memory (core.md 7.4): small
 * string pieces are gathered into chunks of about CHUNK_BYTES, each chunk is handed to the socket, and when the
 * socket's buffer is full (`write` returns false) the writer waits for 'drain' before rendering more. A client
 * that goes away aborts `signal`; the writer then stops pulling pieces, which ends the producing generator
 * (its `finally` runs), so no work continues for a closed socket.
 */
import type { Writable } from "node:stream";

/** Big enough that per-write overhead vanishes, small enough to be negligible next to any large body. */
export const CHUNK_BYTES = 64 * 1024;

/** Resolves on 'drain' or when `signal` aborts, whichever comes first, removing both listeners. */
function drained(out: Writable, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    out.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Writes every piece unless `signal` aborts first; does not end `out`. Returns false when it stopped early.
 * String lengths stand in for byte lengths when gathering: the chunk size only needs to be about right.
 */
export async function writePieces(out: Writable, pieces: Iterable<string | Uint8Array>, signal: AbortSignal): Promise<boolean> {
  let pending: string[] = [];
  let pendingLength = 0;
  const send = async (chunk: string | Uint8Array): Promise<void> => {
    if (!out.write(chunk)) await drained(out, signal);
  };
  for (const piece of pieces) {
    if (signal.aborted) return false; // leaving the loop calls the generator's return(): its work stops here
    if (typeof piece === "string") {
      pending.push(piece);
      pendingLength += piece.length;
      if (pendingLength < CHUNK_BYTES) continue;
    }
    if (pending.length > 0) {
      const text = pending.join("");
      pending = [];
      pendingLength = 0;
      await send(text);
    }
    if (typeof piece !== "string" && !signal.aborted) await send(piece);
  }
  if (signal.aborted) return false;
  if (pending.length > 0) await send(pending.join(""));
  return !signal.aborted;
}
