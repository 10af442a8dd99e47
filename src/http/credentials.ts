/**
 * The headers the HTTP client block adds to every request (spec common.md 6): basic auth, `authorization`
 * (including converted `bearer_token[_file]`), oauth2 and v3 `http_headers`. Files are read on every
 * request and trimmed, as Prometheus does; secrets are revealed only here, at send time.
 */
import { readFile } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import type { HttpClientConfig } from "../config/http-client.js";
import { SourceError } from "../errors.js";
import type { OAuth2TokenSource } from "./oauth2.js";

async function readSecretFile(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    // The path is configuration, not a secret; the content never appears in messages.
    throw new SourceError("PROMSD_SOURCE_HTTP_CREDENTIALS", `unable to read ${what} file ${path}`, { cause: error });
  }
}

export interface RequestCredentials {
  /** Sent only to the host of the original URL. */
  readonly sensitive: OutgoingHttpHeaders;
  /** Plain `http_headers` values; sent on every hop. */
  readonly plain: OutgoingHttpHeaders;
}

export async function requestCredentials(
  config: HttpClientConfig,
  oauth2: OAuth2TokenSource | undefined,
  signal: AbortSignal,
): Promise<RequestCredentials> {
  const sensitive: OutgoingHttpHeaders = {};
  const plain: OutgoingHttpHeaders = {};
  for (const [name, header] of config.httpHeaders) {
    const key = name.toLowerCase();
    if (header.values.length > 0) plain[key] = [...header.values];
    const hidden = [
      ...header.secrets.map((s) => s.reveal()),
      ...(await Promise.all(header.files.map((file) => readSecretFile(file, `http_headers ${name}`)))),
    ];
    if (hidden.length > 0) sensitive[key] = hidden;
  }
  const basic = config.basicAuth;
  if (basic !== undefined) {
    const username = basic.usernameFile !== "" ? await readSecretFile(basic.usernameFile, "basic auth username") : basic.username;
    const password = basic.passwordFile !== "" ? await readSecretFile(basic.passwordFile, "basic auth password") : basic.password.reveal();
    sensitive["authorization"] = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  } else if (config.authorization !== undefined) {
    const auth = config.authorization;
    const credentials = auth.credentialsFile !== "" ? await readSecretFile(auth.credentialsFile, "authorization credentials") : auth.credentials.reveal();
    sensitive["authorization"] = `${auth.type} ${credentials}`;
  } else if (oauth2 !== undefined) {
    sensitive["authorization"] = await oauth2.authorization(signal);
  }
  return { sensitive, plain };
}
