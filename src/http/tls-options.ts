/**
 * Turns a `tls_config` block into node:tls connect options. Files are read for every new connection (as
 * Prometheus reloads changed CA/cert files), inline PEMs are used as written.
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { checkServerIdentity, type ConnectionOptions, type SecureVersion } from "node:tls";
import type { TlsConfig } from "../config/http-client.js";

const VERSIONS: Readonly<Record<string, SecureVersion>> = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" };

async function pem(inline: string, file: string): Promise<string | Buffer | undefined> {
  if (inline !== "") return inline;
  if (file !== "") return readFile(file);
  return undefined;
}

/** TLS options for a connection to `host` (a hostname or IP literal, without brackets). */
export async function tlsConnectOptions(config: TlsConfig, host: string): Promise<ConnectionOptions> {
  const [ca, cert, key] = await Promise.all([
    pem(config.ca, config.caFile),
    pem(config.cert, config.certFile),
    pem(config.key.reveal(), config.keyFile),
  ]);
  const options: ConnectionOptions = { rejectUnauthorized: !config.insecureSkipVerify, ALPNProtocols: ["http/1.1"] };
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined && key !== undefined) {
    options.cert = cert;
    options.key = key;
  }
  const minVersion = VERSIONS[config.minVersion];
  const maxVersion = VERSIONS[config.maxVersion];
  // Go's client default minimum is TLS 1.2, like node's.
  if (minVersion !== undefined) options.minVersion = minVersion;
  if (maxVersion !== undefined) options.maxVersion = maxVersion;
  // Verify against server_name when set, else against the URL's host (an IP literal matches IP SANs);
  // SNI is never sent for IP literals.
  const identity = config.serverName !== "" ? config.serverName : host;
  if (isIP(identity) === 0) options.servername = identity;
  options.checkServerIdentity = (_host, certificate) => checkServerIdentity(identity, certificate);
  return options;
}
