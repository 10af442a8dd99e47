import assert from "node:assert/strict";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { test } from "node:test";
import { signSigV4, verifySigV4, type SigV4Request } from "./sigv4.js";

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Buffer => (typeof data === "string" ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));

/** node:crypto behind the Checksum interface @smithy/signature-v4 asks for. */
class NodeSha256 {
  #hash: Hash | Hmac;
  readonly secret: string | Buffer | undefined;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.#hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
}

const credentials = { accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", region: "eu-west-2", service: "oapi" };

test("sigv4: the signature equals @smithy/signature-v4's (AWS's implementation) for the same request", async () => {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const signer = new SignatureV4({ credentials: { accessKeyId: credentials.accessKey, secretAccessKey: credentials.secretKey }, region: credentials.region, service: credentials.service, sha256: NodeSha256, applyChecksum: false, uriEscapePath: false });
  const now = new Date("2026-03-04T05:06:07Z");
  for (const [path, body] of [["/api/v1/ReadVms", "{}"], ["/api/v1/ReadVms", '{"NextPageToken":"a b/c=="}'], ["/", ""]] as const) {
    const url = new URL(`http://127.0.0.1:8443${path}?b=2&a=1&a=0`);
    const headers = { host: url.host, "content-type": "application/json", accept: "application/json" };
    const ours = signSigV4({ method: "POST", url, headers, body }, credentials, now);
    const theirs = await signer.sign({ method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 8443, path, query: { b: "2", a: ["1", "0"] }, headers: { ...headers }, body }, { signingDate: now });
    assert.equal(ours.authorization, theirs.headers.authorization, path);
    assert.equal(ours["x-amz-date"], theirs.headers["x-amz-date"]);
  }
});

test("sigv4: verify accepts what sign produced and refuses a wrong secret or a changed body", () => {
  const url = new URL("http://127.0.0.1:1/api/v1/ReadVms");
  const request: SigV4Request = { method: "POST", url, headers: { host: url.host, "content-type": "application/json" }, body: "{}" };
  const signed = { ...request, headers: signSigV4(request, credentials) };
  assert.deepEqual(verifySigV4(signed, credentials.secretKey), { ok: true, accessKey: "AKIDEXAMPLE", region: "eu-west-2", service: "oapi" });
  assert.deepEqual(verifySigV4(signed, "other"), { ok: false, reason: "signature does not match" });
  assert.deepEqual(verifySigV4({ ...signed, body: '{"x":1}' }, credentials.secretKey), { ok: false, reason: "signature does not match" });
});
