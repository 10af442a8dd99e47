/**
 * `globalUrl` of the targets API (core.md 6.3): a scrape URL whose host is a loopback name is rewritten to
 * the externally reachable URL, so a link works from another machine.
 */
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1"]);
const URL_PARTS = /^([^:/?#]*:)?\/\/([^/?#]*)(.*)$/s;

export interface GlobalUrlOptions {
  /** e.g. `http://myhost:9800/`; defaults to `http://<os hostname>:<listen port>/`. */
  readonly externalUrl: URL;
  readonly listenPort: number;
}

/** Splits `host:port` like Go's net.SplitHostPort, but also accepts a host without a port. */
function splitHostPort(hostport: string): { host: string; port: string } | string {
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return `address ${hostport}: missing ']' in address`;
    const rest = hostport.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return `address ${hostport}: missing port in address`;
    return { host: hostport.slice(1, end), port: rest.slice(1) };
  }
  const colons = hostport.split(":").length - 1;
  if (colons > 1) return `address ${hostport}: too many colons in address`;
  const at = hostport.indexOf(":");
  return at < 0 ? { host: hostport, port: "" } : { host: hostport.slice(0, at), port: hostport.slice(at + 1) };
}

/** Returns `{ url }`, or `{ url: scrapeUrl, error }` when the host cannot be split. */
export function globalUrl(scrapeUrl: string, options: GlobalUrlOptions): { url: string; error?: string } {
  const parts = URL_PARTS.exec(scrapeUrl);
  if (!parts) return { url: scrapeUrl };
  const scheme = parts[1] ?? "";
  const hostport = parts[2] ?? "";
  const rest = parts[3] ?? "";
  const split = splitHostPort(hostport);
  if (typeof split === "string") return { url: scrapeUrl, error: split };
  if (!LOCAL_HOSTS.has(split.host)) return { url: scrapeUrl };
  const external = options.externalUrl;
  if (split.port === String(options.listenPort)) return { url: `${external.protocol}//${external.host}${rest}` };
  const host = external.hostname;
  return { url: `${scheme}//${split.port === "" ? host : `${host}:${split.port}`}${rest}` };
}
