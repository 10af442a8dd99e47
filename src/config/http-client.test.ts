import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";
import { goUrlParseError, parseHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "./http-client.js";
import { ConfigLocation } from "../yaml/location.js";
import { MapReader } from "./reader.js";
import { parseYaml } from "../yaml/yaml-node.js";

/** Parses `yaml` as a block holding only HTTP client keys, the way a provider would. */
function parse(yaml: string, profile: Profile = "v3"): HttpClientConfig {
  const reader = MapReader.open(parseYaml(yaml, "/etc/prom/p.yml"), ConfigLocation.root("/etc/prom/p.yml"), "http.SDConfig");
  const config = parseHttpClientConfig(reader, { configDir: "/etc/prom", profile });
  reader.finish();
  return config;
}

function problem(yaml: string, profile: Profile = "v3"): string {
  try {
    parse(yaml, profile);
  } catch (error) {
    if (error instanceof ConfigError) return error.problem;
    throw error;
  }
  return "accepted";
}

const cases: { name: string; yaml: string; v3: string; "v2.42": string }[] = [
  {
    name: "password and password_file", yaml: "basic_auth: {username: u, password: p, password_file: f}",
    v3: "at most one of basic_auth password, password_file & password_ref must be configured",
    "v2.42": "at most one of basic_auth password & password_file must be configured",
  },
  {
    name: "username and username_file (3.x only key)", yaml: "basic_auth: {username: u, username_file: f}",
    v3: "at most one of basic_auth username, username_file & username_ref must be configured",
    "v2.42": "yaml: unmarshal errors:\n  line 1: field username_file not found in type config.plain",
  },
  {
    name: "oauth2 without client secret", yaml: "oauth2: {client_id: a, token_url: 'http://t'}",
    v3: "accepted", "v2.42": "either oauth2 client_secret or client_secret_file must be configured",
  },
  {
    name: "oauth2 with both secrets", yaml: "oauth2: {client_id: a, client_secret: b, client_secret_file: c, token_url: 'http://t'}",
    v3: "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured",
    "v2.42": "at most one of oauth2 client_secret & client_secret_file must be configured",
  },
  { name: "oauth2 without client_id", yaml: "oauth2: {token_url: 'http://t'}", v3: "oauth2 client_id must be configured", "v2.42": "oauth2 client_id must be configured" },
  {
    name: "credentials and credentials_file", yaml: "authorization: {credentials: a, credentials_file: b}",
    v3: "at most one of authorization credentials & credentials_file must be configured",
    "v2.42": "at most one of authorization credentials & credentials_file must be configured",
  },
  {
    name: "http_headers (3.x only)", yaml: "http_headers: {X-A: {values: [a], secrets: [b], files: [c]}}",
    v3: "accepted", "v2.42": "yaml: unmarshal errors:\n  line 1: field http_headers not found in type http.SDConfig",
  },
  {
    name: "inline TLS CA (3.x only)", yaml: "tls_config: {ca: x}",
    v3: "accepted", "v2.42": "yaml: unmarshal errors:\n  line 1: field ca not found in type config.plain",
  },
  {
    name: "inline TLS CA and ca_file", yaml: "tls_config: {ca: x, ca_file: y}",
    v3: "at most one of ca, ca_file & ca_ref must be configured", "v2.42": "yaml: unmarshal errors:\n  line 1: field ca not found in type config.plain",
  },
  { name: "unknown TLS version", yaml: "tls_config: {max_version: TLS14}", v3: "unknown TLS version: TLS14", "v2.42": "unknown TLS version: TLS14" },
  {
    name: "proxy_connect_header without proxy_url", yaml: "proxy_connect_header: {X-A: [b]}",
    v3: "if proxy_connect_header is configured proxy_url must also be configured", "v2.42": "if proxy_connect_header is configured proxy_url must also be configured",
  },
  {
    name: "no_proxy without proxy_url", yaml: "no_proxy: localhost",
    v3: "if no_proxy is configured, proxy_url must also be configured", "v2.42": "yaml: unmarshal errors:\n  line 1: field no_proxy not found in type http.SDConfig",
  },
  {
    name: "proxy_from_environment with proxy_url", yaml: "proxy_from_environment: true\nproxy_url: http://p",
    v3: "if proxy_from_environment is configured, proxy_url and no_proxy must not be configured",
    "v2.42": "yaml: unmarshal errors:\n  line 1: field proxy_from_environment not found in type http.SDConfig",
  },
  { name: "proxy_url without scheme", yaml: "proxy_url: ':3128'", v3: 'parse ":3128": missing protocol scheme', "v2.42": 'parse ":3128": missing protocol scheme' },
  { name: "follow_redirects not a bool", yaml: "follow_redirects: 1", v3: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `1` into bool", "v2.42": "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `1` into bool" },
];

for (const c of cases) {
  for (const profile of ["v3", "v2.42"] as const) {
    test(`http client: ${c.name} (${profile})`, () => assert.equal(problem(c.yaml, profile), c[profile]));
  }
}

test("http client: defaults, Bearer conversion and path resolution", () => {
  const config = parse("bearer_token_file: ../secrets/token\ntls_config: {cert_file: /abs/c.pem, key_file: k.pem, insecure_skip_verify: yes}");
  assert.deepEqual(
    { type: config.authorization?.type, file: config.authorization?.credentialsFile, secret: config.authorization?.credentials.isEmpty },
    { type: "Bearer", file: "/etc/secrets/token", secret: true },
  );
  assert.equal(config.tlsConfig.certFile, "/abs/c.pem");
  assert.equal(config.tlsConfig.keyFile, "/etc/prom/k.pem");
  assert.equal(config.tlsConfig.insecureSkipVerify, true);
  assert.equal(config.followRedirects, true);
  assert.equal(config.enableHttp2, true);
  assert.equal(config.basicAuth, undefined);
  assert.equal(parse("authorization: {type: '  Token  ', credentials: abc}").authorization?.type, "Token");
  assert.equal(parse("authorization: {credentials: abc}").authorization?.type, "Bearer");
});

test("http client: secrets are Secret values that print as <secret>", () => {
  const config = parse("basic_auth: {username: u, password: pw}\nproxy_url: http://p\nproxy_connect_header: {X-A: [hdr]}\nhttp_headers: {X-B: {secrets: [hs]}}");
  assert.equal(config.basicAuth?.password.reveal(), "pw");
  assert.equal(String(config.basicAuth?.password), "<secret>");
  assert.equal(config.proxyConnectHeader.get("X-A")?.[0]?.reveal(), "hdr");
  assert.equal(config.httpHeaders.get("X-B")?.secrets[0]?.reveal(), "hs");
  assert.ok(!JSON.stringify({ ...config, proxyConnectHeader: [...config.proxyConnectHeader], httpHeaders: [...config.httpHeaders] }).match(/pw|hdr|"hs"/));
});

test("http client: resolveConfigPath joins and cleans relative paths only", () => {
  assert.equal(resolveConfigPath("./a/../b.json", "/etc/prom"), "/etc/prom/b.json");
  assert.equal(resolveConfigPath("/abs/x", "/etc/prom"), "/abs/x");
  assert.equal(resolveConfigPath("", "/etc/prom"), "");
  assert.equal(resolveConfigPath("t.json", "."), "t.json");
});

test("http client: goUrlParseError reproduces Go's url.Parse messages", () => {
  const rows: [string, string | undefined][] = [
    ["http://proxy:3128", undefined],
    ["http://[::1]:80/%41", undefined],
    ["socks5://user:pass@h:1", undefined],
    ["socks5://user:pa ss@h:1", 'parse "socks5://user:pa ss@h:1": net/url: invalid userinfo'],
    ["http://a b", 'parse "http://a b": invalid character " " in host name'],
    ["%zz", 'parse "%zz": invalid URL escape "%zz"'],
    ["http://a:x/", 'parse "http://a:x/": invalid port ":x" after host'],
    [":80", 'parse ":80": missing protocol scheme'],
  ];
  for (const [url, want] of rows) assert.equal(goUrlParseError(url), want, url);
});
