/**
 * The subset of Go's net/url.Parse errors that configs run into (proxy_url, remote_write url): Prometheus
 * prints them verbatim, e.g. `parse "http://a b": invalid character " " in host name`.
 */
import { goQuote } from "../model/go-quote.js";

/**
 * The error Go's url.Parse returns for `text` (`parse "<url>": <reason>`), or undefined when it parses.
 * Covers what configs hit: control characters, a missing scheme before `:`, bad `%` escapes, bad host
 * characters and non-numeric ports.
 */
export function goUrlParseError(text: string): string | undefined {
  const reason = urlProblem(text);
  return reason === undefined ? undefined : `parse ${goQuote(text)}: ${reason}`;
}

function urlProblem(text: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(text)) return "net/url: invalid control character in URL";
  const withoutFragment = text.split("#")[0] ?? "";
  const [beforeQuery = ""] = withoutFragment.split("?");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(beforeQuery);
  if (beforeQuery.startsWith(":")) return "missing protocol scheme";
  const rest = scheme ? beforeQuery.slice(scheme[0].length) : beforeQuery;
  if (rest.startsWith("//")) {
    const authority = rest.slice(2).split("/")[0] ?? "";
    const at = authority.lastIndexOf("@");
    if (at >= 0 && /[^A-Za-z0-9\-._:~!$&'()*+,;=%@]/.test(authority.slice(0, at))) return "net/url: invalid userinfo";
    const host = authority.slice(at + 1);
    const hostProblem = checkHost(host);
    if (hostProblem) return hostProblem;
  }
  const badEscape = /%(?![0-9a-fA-F]{2})/.exec(rest);
  if (badEscape) return `invalid URL escape ${goQuote(rest.slice(badEscape.index, badEscape.index + 3))}`;
  return undefined;
}

function checkHost(host: string): string | undefined {
  let name = host;
  if (!host.startsWith("[")) {
    const colon = host.lastIndexOf(":");
    if (colon >= 0) {
      const port = host.slice(colon);
      if (!/^:[0-9]*$/.test(port)) return `invalid port ${goQuote(port)} after host`;
      name = host.slice(0, colon);
    }
  }
  const bad = /[^A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%]/.exec(name);
  if (bad) return `invalid character ${goQuote(bad[0])} in host name`;
  return undefined;
}
