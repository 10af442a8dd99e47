/**
 * A loopback HTTPS fake that answers for real API host names (api.hetzner.cloud, compute.googleapis.com, …):
 * a throwaway CA (made by `openssl`, valid for a day) signs one server certificate whose SANs are every
 * host name given plus 127.0.0.1, so a client that trusts `caFile` (`tls_config.ca_file`, `SSL_CERT_FILE`,
 * `NODE_EXTRA_CA_CERTS`) accepts the fake as that host. Pair it with ./connect-proxy.ts: the proxy hands
 * every CONNECT to the fake, and the fake routes by the request's Host header and path.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type Handler, type TestServer } from "../../http/test-support.js";

export interface HostCerts {
  readonly caFile: string;
  readonly ca: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** A CA and one server certificate for `hosts` (DNS names or IPs) and 127.0.0.1, written under `dir`. */
export function generateHostCerts(dir: string, hosts: readonly string[]): HostCerts {
  const run = (...args: string[]): void => {
    execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "fake-ca.key", "-out", "fake-ca.crt", "-days", "1", "-subj", "/CN=promsd-fake-cloud-ca");
  const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":");
  const sans = [...new Set(["127.0.0.1", ...hosts])].map((h) => (isIp(h) ? `IP:${h}` : `DNS:${h}`));
  writeFileSync(join(dir, "fake-host.ext"), `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth\n`);
  run("req", ...ec, "-keyout", "fake-host.key", "-out", "fake-host.csr", "-subj", `/CN=${hosts[0] ?? "127.0.0.1"}`);
  run("x509", "-req", "-in", "fake-host.csr", "-CA", "fake-ca.crt", "-CAkey", "fake-ca.key", "-CAcreateserial", "-out", "fake-host.crt", "-days", "1", "-extfile", "fake-host.ext");
  const file = (name: string): string => join(dir, name);
  return {
    caFile: file("fake-ca.crt"),
    ca: readFileSync(file("fake-ca.crt"), "utf8"),
    certFile: file("fake-host.crt"),
    keyFile: file("fake-host.key"),
    cert: readFileSync(file("fake-host.crt"), "utf8"),
    key: readFileSync(file("fake-host.key"), "utf8"),
  };
}

export interface TlsFake extends TestServer {
  readonly certs: HostCerts;
}

/** Starts `handler` over HTTPS on 127.0.0.1 with a certificate valid for `hosts`. */
export async function startTlsFake(dir: string, hosts: readonly string[], handler: Handler): Promise<TlsFake> {
  const certs = generateHostCerts(dir, hosts);
  const server = await startServer(handler, { tls: { cert: certs.cert, key: certs.key } });
  return { ...server, certs };
}
