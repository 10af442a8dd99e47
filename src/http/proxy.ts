/**
 * Which proxy a request goes through (spec common.md 6), as Prometheus's config package decides it:
 * `proxy_url` alone proxies everything; `proxy_url` + `no_proxy` and `proxy_from_environment` follow Go's
 * `httpproxy` rules, which never proxy `localhost` or loopback addresses.
 */
import { BlockList, isIP } from "node:net";
import type { ProxyConfig } from "../config/http-client.js";

export type ProxySelector = (target: URL) => URL | undefined;

/** Host without IPv6 brackets, lower-cased. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

export function defaultPort(url: URL): string {
  return url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/** Go httpproxy's NO_PROXY matcher: `*`, IPs, CIDRs, domains (with subdomains), `.domain` (subdomains only), optional `:port`. */
export function createNoProxyMatcher(noProxy: string): (target: URL) => boolean {
  const entries = noProxy.split(",").map((e) => e.trim().toLowerCase()).filter((e) => e !== "");
  if (entries.includes("*")) return () => true;
  const cidrs = new BlockList();
  const ips = new Set<string>();
  const domains: { suffix: string; matchesItself: boolean; port: string }[] = [];
  for (const entry of entries) {
    const slash = entry.indexOf("/");
    if (slash > 0 && isIP(entry.slice(0, slash)) !== 0) {
      const prefix = Number(entry.slice(slash + 1));
      const family = isIP(entry.slice(0, slash)) === 4 ? "ipv4" : "ipv6";
      if (Number.isInteger(prefix)) cidrs.addSubnet(entry.slice(0, slash), prefix, family);
      continue;
    }
    const bare = entry.replace(/^\[(.*)\]$/, "$1");
    if (isIP(bare) !== 0) {
      ips.add(bare);
      continue;
    }
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    const host = portMatch?.[1] ?? entry;
    const port = portMatch?.[2] ?? "";
    if (host.startsWith("*.")) domains.push({ suffix: host.slice(1), matchesItself: false, port });
    else if (host.startsWith(".")) domains.push({ suffix: host, matchesItself: false, port });
    else domains.push({ suffix: `.${host}`, matchesItself: true, port });
  }
  return (target) => {
    const host = urlHost(target);
    const family = isIP(host);
    if (family !== 0) return ips.has(host) || cidrs.check(host, family === 4 ? "ipv4" : "ipv6");
    const port = defaultPort(target);
    return domains.some((d) => (d.port === "" || d.port === port) && (host.endsWith(d.suffix) || (d.matchesItself && host === d.suffix.slice(1))));
  };
}

function parseProxyUrl(text: string): URL | undefined {
  if (text === "") return undefined;
  try {
    return new URL(text.includes("://") ? text : `http://${text}`);
  } catch {
    return undefined;
  }
}

export function createProxySelector(config: ProxyConfig, env: NodeJS.ProcessEnv = process.env): ProxySelector {
  if (config.proxyFromEnvironment) {
    const httpProxy = parseProxyUrl(env["HTTP_PROXY"] ?? env["http_proxy"] ?? "");
    const httpsProxy = parseProxyUrl(env["HTTPS_PROXY"] ?? env["https_proxy"] ?? "");
    const isExempt = createNoProxyMatcher(env["NO_PROXY"] ?? env["no_proxy"] ?? "");
    return (target) => {
      if (isLoopback(urlHost(target)) || isExempt(target)) return undefined;
      return target.protocol === "https:" ? httpsProxy : httpProxy;
    };
  }
  const proxy = parseProxyUrl(config.proxyUrl);
  if (proxy === undefined) return () => undefined;
  if (config.noProxy === "") return () => proxy;
  const isExempt = createNoProxyMatcher(config.noProxy);
  return (target) => (isLoopback(urlHost(target)) || isExempt(target) ? undefined : proxy);
}
