/**
 * Encodes a body given as string pieces straight into UTF-8 chunks of about CHUNK_BYTES, hashing as it goes,
 * so a cached body exists once, as bytes: never also as one big string, and never concatenated into a second
 * buffer (core.md 7.4). The chunks are written as they are (`HttpResponse.chunks`) and gzipped as a stream.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { CHUNK_BYTES } from "./body-writer.js";

export interface EncodedBody {
  readonly chunks: readonly Buffer[];
  readonly byteLength: number;
  /** SHA-1 of the bytes, base64url. */
  readonly sha1: string;
}

export function encodePieces(pieces: Iterable<string>): EncodedBody {
  const chunks: Buffer[] = [];
  const hash = createHash("sha1");
  let byteLength = 0;
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const push = (bytes: Buffer): void => {
    chunks.push(bytes);
    hash.update(bytes);
    byteLength += bytes.length;
  };
  const flush = (): void => {
    if (used === 0) return;
    push(chunk.subarray(0, used));
    chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    used = 0;
  };
  for (const piece of pieces) {
    const size = Buffer.byteLength(piece);
    if (used + size > CHUNK_BYTES) flush();
    if (size > CHUNK_BYTES) push(Buffer.from(piece));
    else used += chunk.write(piece, used);
  }
  // The last chunk is copied to its size: a small body should not pin a whole chunk.
  if (used > 0) push(Buffer.from(chunk.subarray(0, used)));
  return { chunks, byteLength, sha1: hash.digest("base64url") };
}

/** gzip of the concatenated chunks, streamed, without joining them first. */
export async function gzipChunks(chunks: readonly Buffer[], level = 6): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const part of Readable.from(chunks, { objectMode: false }).pipe(createGzip({ level }))) out.push(part as Buffer);
  return out;
}
