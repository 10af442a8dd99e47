/** One keep-alive GET on loopback, shared by the load generator (counts bytes) and the mirror (keeps them). */
import { type Agent, request } from "node:http";

export interface GetResult {
  readonly status: number;
  readonly etag: string | undefined;
  /** Bytes as sent on the wire (still gzipped when the server compressed them). */
  readonly bytes: number;
  /** The body, when asked for with `keepBody`. */
  readonly body?: Buffer;
}

export interface GetOptions {
  readonly agent: Agent;
  readonly port: number;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly keepBody?: boolean;
}

export function httpGet({ agent, port, path, headers = {}, keepBody = false }: GetOptions): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent, headers }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody) chunks.push(chunk);
      });
      res.on("end", () => {
        const result = { status: res.statusCode ?? 0, etag: res.headers.etag, bytes };
        resolve(keepBody ? { ...result, body: Buffer.concat(chunks) } : result);
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
