/**
 * AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
 * with node:crypto, for the APIs that speak it without an AWS SDK (Outscale's OAPI, signed as aws-sdk-go v1's
 * signer does: every header given is signed, no `x-amz-content-sha256`). Also verifies a signed request,
 * for the loopback fakes. Tests check the signer against @smithy/signature-v4, AWS's own implementation.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SigV4Request {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names; all are signed (add `host`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigV4Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly service: string;
}

const sha256Hex = (data: string): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** RFC 3986 escaping as SigV4 wants it (unreserved characters stay). */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(url: URL): string {
  return [...url.searchParams.entries()]
    .map(([k, v]) => [uriEscape(k), uriEscape(v)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function canonicalRequest(request: SigV4Request, signedHeaders: readonly string[]): string {
  const path = request.url.pathname.split("/").map((segment) => uriEscape(decodeURIComponent(segment))).join("/") || "/";
  const headerLines = signedHeaders.map((name) => `${name}:${(request.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  return [request.method, path, canonicalQuery(request.url), headerLines, signedHeaders.join(";"), sha256Hex(request.body)].join("\n");
}

function signature(request: SigV4Request, credentials: SigV4Credentials, amzDate: string, signedHeaders: readonly string[]): string {
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${credentials.region}/${credentials.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest(request, signedHeaders))].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretKey}`, day), credentials.region), credentials.service), "aws4_request");
  return hmac(key, stringToSign).toString("hex");
}

/** `20250101T000000Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The request's headers plus `x-amz-date` and `authorization`. */
export function signSigV4(request: SigV4Request, credentials: SigV4Credentials, now: Date = new Date()): Record<string, string> {
  const date = amzDate(now);
  const headers = { ...request.headers, "x-amz-date": date };
  const signedHeaders = Object.keys(headers).map((name) => name.toLowerCase()).sort();
  const sig = signature({ ...request, headers }, credentials, date, signedHeaders);
  const scope = `${date.slice(0, 8)}/${credentials.region}/${credentials.service}/aws4_request`;
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKey}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${sig}` };
}

/** For fakes: whether `request` (as received) carries a valid signature by `secretKey`; returns why not. */
export function verifySigV4(request: SigV4Request, secretKey: string): { ok: true; accessKey: string; region: string; service: string } | { ok: false; reason: string } {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(request.headers.authorization ?? "");
  if (!match) return { ok: false, reason: "no SigV4 authorization header" };
  const [, accessKey = "", day = "", region = "", service = "", signed = "", given = ""] = match;
  const date = request.headers["x-amz-date"] ?? "";
  if (!date.startsWith(day)) return { ok: false, reason: "x-amz-date does not match the credential scope" };
  const signedHeaders = signed.split(";");
  if (!signedHeaders.includes("host") || !signedHeaders.includes("x-amz-date")) return { ok: false, reason: "host and x-amz-date must be signed" };
  const want = Buffer.from(signature(request, { accessKey, secretKey, region, service }, date, signedHeaders), "hex");
  if (!timingSafeEqual(want, Buffer.from(given, "hex"))) return { ok: false, reason: "signature does not match" };
  return { ok: true, accessKey, region, service };
}
