/**
 * The daemon's UI and APIs have no authentication of their own. Listening beyond loopback exposes them (the
 * running config without secrets, every target, the lifecycle endpoints when enabled) to the network, so the
 * daemon warns at start unless a web config protects the listener.
 */
import { isIP } from "node:net";

/**
 * What a web config (`--web.config.file`, issue 15) protects the listener with. The web-config work reports
 * `requiresAuthentication` true when it enforces TLS client certificates or basic-auth users.
 */
export interface WebProtection {
  readonly requiresAuthentication: boolean;
}

/** The hook for the web config: without one (undefined) nothing is authenticated. */
export function isAuthenticated(webConfig: WebProtection | undefined): boolean {
  return webConfig?.requiresAuthentication === true;
}

/** Literal loopback addresses and `localhost`; "" (every interface) and any other name are not loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(bare);
  return false;
}

/** The warning to log for a listener on `host`, or undefined when there is nothing to warn about. */
export function exposureWarning(host: string, webConfig: WebProtection | undefined): string | undefined {
  if (isLoopbackHost(host) || isAuthenticated(webConfig)) return undefined;
  const where = host === "" ? "every network interface" : `non-loopback address ${host}`;
  return (
    `Listening on ${where}: the web UI and every API (targets, config, http_sd, and lifecycle when enabled) ` +
    "are reachable without authentication; listen on 127.0.0.1, or protect them with a web config (TLS client certificates or basic auth)"
  );
}
