/**
 * How Prometheus 2.42 treats the HTTP client block of the mechanisms whose SDConfig never called
 * `HTTPClientConfig.Validate()` (http_sd, uyuni_sd): shared so both read a block the same way.
 */
import { readHttpClientConfig, type HttpClientConfig, type UnvalidatedHttpClientConfig } from "./http-client.js";
import { MapReader, type ParseContext } from "./reader.js";
import { ConfigError } from "../errors.js";
import type { ConfigLocation } from "../yaml/location.js";
import type { YamlNode } from "../yaml/yaml-node.js";

/**
 * The authentication keys in the order 2.42's round-tripper chain lets them win (outermost first; checked
 * with promtool: `authorization` + `bearer_token_file` sends the file's token).
 */
const AUTH_PRECEDENCE = ["oauth2", "basic_auth", "bearer_token", "bearer_token_file", "authorization"];

/**
 * 2.42 never validates the client block of http_sd (http.md 7) or uyuni_sd: it builds the client from whatever was
 * written, and the outermost authentication round-tripper wins (the inner ones see Authorization already
 * set). When validation fails, promsd keeps only the winning key and validates again; a block that is still
 * invalid (a problem that is not about authentication) is rejected with the first error.
 */
export function validateHttpClientAs242(client: UnvalidatedHttpClientConfig, node: YamlNode, at: ConfigLocation, ctx: ParseContext, typeName: string): HttpClientConfig {
  try {
    return client.validate();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    try {
      return readHttpClientConfig(MapReader.open(withWinningAuthOnly(node), at, typeName), ctx).validate();
    } catch (prunedError) {
      if (prunedError instanceof ConfigError) throw error;
      throw prunedError;
    }
  }
}

/** `node` without the authentication keys that 2.42's outermost round-tripper overrides. */
function withWinningAuthOnly(node: YamlNode): YamlNode {
  if (node.kind !== "map") return node;
  const present = node.entries.filter((e) => !(e.value.kind === "scalar" && e.value.isNull)).map((e) => e.key);
  const winner = AUTH_PRECEDENCE.find((key) => present.includes(key));
  return { ...node, entries: node.entries.filter((e) => e.key === winner || !AUTH_PRECEDENCE.includes(e.key)) };
}

