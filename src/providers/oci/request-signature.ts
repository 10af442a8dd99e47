/**
 * OCI's request signatures (https://docs.oracle.com/en-us/iaas/Content/API/Concepts/signingrequests.htm),
 * the draft-cavage HTTP Signatures scheme with `rsa-sha256`: the signing string is the lines
 * `date: …`, `(request-target): <method> <path?query>`, `host: …` (GET; body requests add
 * `content-length`, `content-type`, `x-content-sha256`), and `Authorization` is
 * `Signature version="1",keyId="<tenancy>/<user>/<fingerprint>",algorithm="rsa-sha256",headers="…",signature="…"`.
 * Also verifies a signed request, for the loopback fake.
 */
import { sign, verify, type KeyObject } from "node:crypto";

const GET_HEADERS = ["date", "(request-target)", "host"] as const;

function signingString(names: readonly string[], method: string, target: string, headers: Readonly<Record<string, string>>): string {
  return names.map((name) => (name === "(request-target)" ? `(request-target): ${method.toLowerCase()} ${target}` : `${name}: ${headers[name] ?? ""}`)).join("\n");
}

/** `date` and `authorization` for a GET of `url`, signed with the API key. */
export function signOciGet(url: URL, keyId: string, privateKey: KeyObject, now: Date = new Date()): Record<string, string> {
  const headers = { date: now.toUTCString(), host: url.host };
  const text = signingString(GET_HEADERS, "GET", `${url.pathname}${url.search}`, headers);
  const signature = sign("RSA-SHA256", Buffer.from(text), privateKey).toString("base64");
  return { ...headers, authorization: `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",headers="${GET_HEADERS.join(" ")}",signature="${signature}"` };
}

/** For fakes: the keyId of a valid signature over `target` (path and query as received), or why it is not. */
export function verifyOciSignature(method: string, target: string, headers: Readonly<Record<string, string>>, publicKey: KeyObject): { ok: true; keyId: string } | { ok: false; reason: string } {
  const auth = headers.authorization ?? "";
  if (!auth.startsWith("Signature ")) return { ok: false, reason: "no Signature authorization" };
  const params = Object.fromEntries([...auth.slice(10).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
  if (params.version !== "1" || params.algorithm !== "rsa-sha256") return { ok: false, reason: "unsupported signature version or algorithm" };
  const names = (params.headers ?? "").split(" ");
  for (const required of GET_HEADERS) if (!names.includes(required)) return { ok: false, reason: `${required} not signed` };
  const text = signingString(names, method, target, headers);
  if (!verify("RSA-SHA256", Buffer.from(text), publicKey, Buffer.from(params.signature ?? "", "base64"))) return { ok: false, reason: "signature does not verify" };
  const skewMs = Math.abs(Date.parse(headers.date ?? "") - Date.now());
  if (!(skewMs <= 5 * 60_000)) return { ok: false, reason: "date header more than 5 minutes off" };
  return { ok: true, keyId: params.keyId ?? "" };
}
