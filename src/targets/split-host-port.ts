/**
 * Go's `net.SplitHostPort`, faithfully, for the 2.42 default-port rule (spec core.md 4.2). Note that
 * `host:` (empty port) splits successfully and that a bare `::1` does not.
 */

export type SplitHostPortResult =
  | { readonly ok: true; readonly host: string; readonly port: string }
  | { readonly ok: false; readonly error: string };

function fail(address: string, why: string): SplitHostPortResult {
  return { ok: false, error: `address ${address}: ${why}` };
}

/** Splits `host:port`, `[host]:port` or `[host%zone]:port`; errors carry Go's texts. */
export function splitHostPort(hostport: string): SplitHostPortResult {
  const missingPort = "missing port in address";
  const tooManyColons = "too many colons in address";
  // The port starts after the last colon.
  const i = hostport.lastIndexOf(":");
  if (i < 0) return fail(hostport, missingPort);
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === "[") {
    // Expect the first ']' just before the last ':'.
    const end = hostport.indexOf("]");
    if (end < 0) return fail(hostport, "missing ']' in address");
    if (end + 1 === hostport.length) return fail(hostport, missingPort);
    if (end + 1 !== i) return fail(hostport, hostport[end + 1] === ":" ? tooManyColons : missingPort);
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1; // there can't be a '[' resp. ']' before these positions
  } else {
    host = hostport.slice(0, i);
    if (host.includes(":")) return fail(hostport, tooManyColons);
  }
  if (hostport.indexOf("[", j) >= 0) return fail(hostport, "unexpected '[' in address");
  if (hostport.indexOf("]", k) >= 0) return fail(hostport, "unexpected ']' in address");
  return { ok: true, host, port: hostport.slice(i + 1) };
}
