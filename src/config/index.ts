/** prometheus.yml loading: the public surface of src/config (re-exports only). */
export { configFromObject, loadConfigFile, parseConfigText, type LoadOptions } from "./prometheus-config.js";
export { renderConfigYaml, maskSecrets } from "./render.js";
export {
  parseHttpClientConfig, resolveConfigPath, HTTP_CLIENT_KEYS,
  type HttpClientConfig, type BasicAuthConfig, type AuthorizationConfig, type OAuth2Config, type TlsConfig, type ProxyConfig, type HttpHeaderConfig,
} from "./http-client.js";
export { ConfigLocation } from "../yaml/location.js";
export { MapReader, typeError, type Located, type ParseContext } from "./reader.js";
export { Secret } from "./secret.js";
export { parseDuration, formatDuration, DurationError } from "./duration.js";
export { parseYaml, yamlNodeFromValue, type YamlNode } from "../yaml/yaml-node.js";
export type { PrometheusConfig, GlobalConfig, ScrapeConfig, ConfigWarning } from "./types.js";
