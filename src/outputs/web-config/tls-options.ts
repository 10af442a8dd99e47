/**
 * tls_server_config → Node TLS server options, with exporter-toolkit's ConfigToTLSConfig checks in its order:
 * read cert and key (files or inline), load the pair, read the client CA, then the client-auth policy.
 *
 * Node decides `requestCert`/`rejectUnauthorized` per server, so the policies Node's handshake cannot
 * express alone (RequireAnyClientCert, VerifyClientCertIfGiven, client_allowed_sans) are enforced by
 * `refusesPeer` right after the handshake, before any request is read.
 */
import { createSecureContext, type SecureContextOptions, type TLSSocket } from "node:tls";
import { readFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { ConfigError } from "../../errors.js";
import type { ClientAuthType, WebTlsConfig } from "./config.js";
import { GO_CIPHER_SUITES, GO_CURVES, NODE_TLS_VERSIONS, TLS13_SUITES } from "./tls-names.js";

export interface TlsServerSettings {
  readonly context: SecureContextOptions;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
  readonly clientAuthType: ClientAuthType;
  readonly clientAllowedSans: readonly string[] | undefined;
  /** The bytes of every file read, so a reload can tell whether anything changed. */
  readonly fileContents: readonly string[];
}

/** Reads the files and builds the options; throws ConfigError naming the field. */
export async function loadTlsSettings(tls: WebTlsConfig): Promise<TlsServerSettings> {
  const fileContents: string[] = [];
  const read = async (key: string, path: string): Promise<string> => {
    try {
      const text = await readFile(path, "utf8");
      fileContents.push(text);
      return text;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(tls.at.key(key), key === "client_ca_file" ? reason : `failed to read ${key} (${path}): ${reason}`, undefined, { cause: error });
    }
  };
  const cert = tls.certFile !== undefined ? await read("cert_file", tls.certFile) : (tls.cert ?? "");
  const key = tls.keyFile !== undefined ? await read("key_file", tls.keyFile) : (tls.key?.reveal() ?? "");
  const clientCa = tls.clientCaFile !== undefined ? await read("client_ca_file", tls.clientCaFile) : tls.clientCa;
  const context: SecureContextOptions = {
    cert,
    key,
    minVersion: NODE_TLS_VERSIONS[tls.minVersion],
    maxVersion: NODE_TLS_VERSIONS[tls.maxVersion],
    honorCipherOrder: tls.preferServerCipherSuites,
    ...cipherOptions(tls),
    ...(tls.curvePreferences.length > 0 ? { ecdhCurve: tls.curvePreferences.map((c) => GO_CURVES.get(c)).join(":") } : {}),
    ...(clientCa !== undefined ? { ca: clientCa } : {}),
  };
  try {
    createSecureContext(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(tls.at, `failed to load X509KeyPair: ${reason}`, "check that cert and key are PEM and belong together", { cause: error });
  }
  if (clientCa !== undefined && tls.clientAuthType === "NoClientCert") {
    throw new ConfigError(tls.at.key("client_auth_type"), "client CA's have been configured without a Client Auth Policy", "set client_auth_type, e.g. RequireAndVerifyClientCert");
  }
  const policy = tls.clientAuthType;
  return {
    context,
    requestCert: policy !== "NoClientCert",
    rejectUnauthorized: policy === "RequireAndVerifyClientCert",
    clientAuthType: policy,
    clientAllowedSans: tls.clientAllowedSans,
    fileContents,
  };
}

/**
 * Go applies cipher_suites to TLS 1.0-1.2 only and always offers its TLS 1.3 suites; OpenSSL takes both in
 * one list, so the TLS 1.3 ones are appended. Below TLS 1.2, OpenSSL 3 needs security level 0 to offer
 * what Go offers for TLS10/TLS11.
 */
function cipherOptions(tls: WebTlsConfig): Pick<SecureContextOptions, "ciphers"> {
  const level = tls.minVersion === "TLS10" || tls.minVersion === "TLS11" ? ":@SECLEVEL=0" : "";
  if (tls.cipherSuites.length === 0) return level ? { ciphers: `DEFAULT${level}` } : {};
  const classic = tls.cipherSuites.flatMap((name) => {
    const suite = GO_CIPHER_SUITES.get(name);
    return suite && !suite.tls13 ? [suite.openssl] : [];
  });
  // An empty TLS 1.2 list must stay empty (Go then has no TLS 1.2 suite either); "!ALL" says so to OpenSSL.
  return { ciphers: `${TLS13_SUITES}:${classic.length > 0 ? classic.join(":") : "!ALL"}${level}` };
}

/**
 * Why a finished handshake must be refused under the policy, or undefined to accept it. Called for every
 * new TLS connection before its first request.
 */
export function refusesPeer(socket: TLSSocket, settings: TlsServerSettings): string | undefined {
  const peer = socket.getPeerX509Certificate();
  switch (settings.clientAuthType) {
    case "RequireAnyClientCert":
      if (!peer) return "client didn't provide a certificate";
      break;
    case "VerifyClientCertIfGiven":
    case "RequireAndVerifyClientCert":
      if (peer && !socket.authorized) return `bad certificate: ${String(socket.authorizationError)}`;
      if (!peer && settings.clientAuthType === "RequireAndVerifyClientCert") return "client didn't provide a certificate";
      break;
    default:
      break;
  }
  // Go checks SANs only where it asked for a certificate; an empty answer there fails (a panic in Go).
  if (settings.clientAllowedSans !== undefined && settings.requestCert) {
    if (!peer) return "client didn't provide a certificate";
    const sans = subjectAltNames(peer);
    if (!sans.some((san) => settings.clientAllowedSans?.includes(san))) return `could not find allowed SANs in client cert, found: [${settings.clientAllowedSans.join(" ")}]`;
  }
  return undefined;
}

/** DNS names, email addresses, IPs and URIs of a certificate, as Go's VerifyPeerCertificate collects them. */
export function subjectAltNames(cert: X509Certificate): string[] {
  const text = cert.subjectAltName ?? "";
  const out: string[] = [];
  // Node writes `DNS:a, IP Address:1.2.3.4, email:x@y, URI:u`, quoting values that contain a comma.
  const entry = /(DNS|IP Address|email|URI):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (const match of text.matchAll(entry)) {
    const raw = match[2] ?? "";
    out.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return out;
}
