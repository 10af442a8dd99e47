import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";
import type { StaticConfig } from "../providers/static/config.js";
import { builtinProviders, KNOWN_SD_CONFIG_KEYS } from "../providers/index.js";
import { tempDir, writeFiles } from "../testing/index.js";
import { configFromObject, loadConfigFile, parseConfigText } from "./prometheus-config.js";
import { renderConfigYaml } from "./render.js";
import type { PrometheusConfig } from "./types.js";

const FILE = "/etc/prometheus/prometheus.yml";

function load(yaml: string, profile: Profile = "v3"): PrometheusConfig {
  return parseConfigText(yaml, FILE, { profile });
}

function loadError(yaml: string, profile: Profile = "v3"): ConfigError {
  try {
    load(yaml, profile);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail(`expected a ConfigError for:\n${yaml}`);
}

function staticGroups(config: PrometheusConfig, job = 0): StaticConfig["groups"] {
  const sd = config.scrapeConfigs[job]?.sdConfigs.find((c) => c.provider === "static");
  assert.ok(sd, "job has a static config");
  return (sd.config as StaticConfig).groups;
}

interface ErrorCase {
  readonly name: string;
  readonly yaml: string;
  readonly problem: string;
  readonly profile?: Profile | "both";
  /** Expected `file:line: path` prefix of the message, when the case pins the location. */
  readonly where?: string;
}

// Every row of spec core.md 5.8 (plus the 5.1/5.2/5.6 messages it refers to), with Prometheus's wording.
const errorCases: ErrorCase[] = [
  { name: "empty job_name", yaml: "scrape_configs:\n  - job_name: ''\n", problem: "job_name is empty", profile: "both" },
  { name: "missing job_name", yaml: "scrape_configs:\n  - scrape_interval: 5s\n", problem: "job_name is empty", profile: "both" },
  {
    name: "duplicate job name", profile: "both", where: `${FILE}:3: scrape_configs[1].job_name`,
    yaml: "scrape_configs:\n  - job_name: j\n  - job_name: j\n", problem: 'found multiple scrape configs with job name "j"',
  },
  { name: "null scrape config", yaml: "scrape_configs:\n  - ~\n", problem: "empty or null scrape config section", profile: "both" },
  {
    name: "null static_configs entry", profile: "both", where: `${FILE}:4: scrape_configs[0].static_configs[0]`,
    yaml: "scrape_configs:\n  - job_name: j\n    static_configs:\n      -\n", problem: "empty or null section in static_configs",
  },
  { name: "null file_sd_configs entry", yaml: "scrape_configs:\n  - job_name: j\n    file_sd_configs: [~]\n", problem: "empty or null section in file_sd_configs", profile: "both" },
  { name: "null dns_sd_configs entry", yaml: "scrape_configs:\n  - job_name: j\n    dns_sd_configs: [~]\n", problem: "empty or null section in dns_sd_configs", profile: "both" },
  { name: "null relabel rule", yaml: "scrape_configs:\n  - job_name: j\n    relabel_configs: [~]\n", problem: "empty or null target relabeling rule in scrape config", profile: "both" },
  { name: "null metric relabel rule", yaml: "scrape_configs:\n  - job_name: j\n    metric_relabel_configs: [~]\n", problem: "empty or null metric relabeling rule in scrape config", profile: "both" },
  {
    name: "job timeout greater than interval", profile: "both", where: `${FILE}:4: scrape_configs[0].scrape_timeout`,
    yaml: "scrape_configs:\n  - job_name: j\n    scrape_interval: 5s\n    scrape_timeout: 6s\n",
    problem: 'scrape timeout greater than scrape interval for scrape config with job name "j"',
  },
  {
    name: "job timeout greater than the global interval", profile: "both",
    yaml: "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: j\n    scrape_timeout: 1m\n",
    problem: 'scrape timeout greater than scrape interval for scrape config with job name "j"',
  },
  { name: "global timeout greater than interval", yaml: "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n", problem: "global scrape timeout greater than scrape interval", profile: "both" },
  { name: "global timeout greater than the default interval", yaml: "global:\n  scrape_timeout: 2m\n", problem: "global scrape timeout greater than scrape interval", profile: "both" },
  {
    name: "URL in a static target without relabel rules", profile: "both",
    yaml: "scrape_configs:\n  - job_name: probe\n    static_configs:\n      - targets: ['http://a:1/x']\n",
    problem: '"http://a:1/x" is not a valid hostname',
  },
  {
    name: "invalid label name in static labels under 2.42", profile: "v2.42",
    yaml: "scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: [a]\n        labels: {foo.bar: x}\n",
    problem: '"foo.bar" is not a valid label name',
  },
  {
    name: "kubernetes_sd_configs is unknown to the Debian 2.42 build", profile: "v2.42", where: `${FILE}:3: scrape_configs[0].kubernetes_sd_configs`,
    yaml: "scrape_configs:\n  - job_name: j\n    kubernetes_sd_configs: [{role: pod}]\n",
    problem: "yaml: unmarshal errors:\n  line 3: field kubernetes_sd_configs not found in type config.ScrapeConfig",
  },
  {
    name: "consul_sd_configs is unknown to the Debian 2.42 build", profile: "v2.42",
    yaml: "scrape_configs:\n  - job_name: j\n    consul_sd_configs: [{}]\n",
    problem: "yaml: unmarshal errors:\n  line 3: field consul_sd_configs not found in type config.ScrapeConfig",
  },
  { name: "unknown relabel action", yaml: "scrape_configs:\n  - job_name: j\n    relabel_configs: [{action: foo}]\n", problem: 'unknown relabel action "foo"', profile: "both" },
  {
    name: "duration without unit", profile: "both", where: `${FILE}:3: scrape_configs[0].scrape_interval`,
    yaml: "scrape_configs:\n  - job_name: j\n    scrape_interval: 30\n", problem: 'not a valid duration string: "30"',
  },
  { name: "duration with trailing number", yaml: "global:\n  scrape_interval: 1h30\n", problem: 'not a valid duration string: "1h30"', profile: "both" },
  { name: "unknown duration unit under 2.42", yaml: "global:\n  scrape_interval: 5x\n", problem: 'not a valid duration string: "5x"', profile: "v2.42" },
  { name: "unknown duration unit under v3", yaml: "global:\n  scrape_interval: 5x\n", problem: 'unknown unit "x" in duration "5x"', profile: "v3" },
  { name: "empty duration", yaml: "global:\n  scrape_interval: ''\n", problem: "empty duration string", profile: "both" },
  {
    name: "bad metric_name_validation_scheme", profile: "v3",
    yaml: "scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: invalid_scheme\n", problem: 'unrecognized ValidationScheme: "invalid_scheme"',
  },
  {
    name: "bearer_token and bearer_token_file", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    bearer_token: a\n    bearer_token_file: b\n", problem: "at most one of bearer_token & bearer_token_file must be configured",
  },
  {
    name: "basic_auth with bearer_token", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    bearer_token: a\n    basic_auth: {username: u}\n",
    problem: "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
  },
  {
    name: "basic_auth with authorization", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    authorization: {credentials: a}\n    basic_auth: {username: u}\n",
    problem: "at most one of basic_auth, oauth2 & authorization must be configured",
  },
  {
    name: "authorization with bearer_token", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    authorization: {credentials: a}\n    bearer_token: b\n",
    problem: "authorization is not compatible with bearer_token & bearer_token_file",
  },
  {
    name: "authorization type basic", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    authorization: {type: ' Basic '}\n", problem: 'authorization type cannot be set to "basic", use "basic_auth" instead',
  },
  {
    name: "oauth2 without token_url", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    oauth2: {client_id: a, client_secret: b}\n", problem: "oauth2 token_url must be configured",
  },
  {
    name: "unknown top-level key", profile: "both", where: `${FILE}:2: foo`,
    yaml: "global: {}\nfoo: 1\n", problem: "yaml: unmarshal errors:\n  line 2: field foo not found in type config.plain",
  },
  {
    name: "unknown global key", profile: "both",
    yaml: "global:\n  scrape_intervall: 5s\n", problem: "yaml: unmarshal errors:\n  line 2: field scrape_intervall not found in type config.plain",
  },
  {
    name: "unknown scrape config key", profile: "both", where: `${FILE}:3: scrape_configs[0].scrape_intervall`,
    yaml: "scrape_configs:\n  - job_name: j\n    scrape_intervall: 5s\n", problem: "yaml: unmarshal errors:\n  line 3: field scrape_intervall not found in type config.ScrapeConfig",
  },
  {
    name: "duplicate scrape config key", profile: "both", where: `${FILE}:3: scrape_configs[0].job_name`,
    yaml: "scrape_configs:\n  - job_name: a\n    job_name: b\n", problem: "yaml: unmarshal errors:\n  line 3: field job_name already set in type config.ScrapeConfig",
  },
  {
    name: "unknown key in a static group", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: [a]\n        foo: 1\n",
    problem: 'yaml: unmarshal errors:\n  line 5: field foo not found in type struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }',
  },
  {
    name: "duplicate label in a static group", profile: "both",
    yaml: "scrape_configs:\n  - job_name: j\n    static_configs:\n      - labels:\n          a: x\n          a: y\n",
    problem: 'yaml: unmarshal errors:\n  line 6: key "a" already set in map',
  },
  { name: "scrape_configs as a map", yaml: "scrape_configs: {}\n", problem: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []*config.ScrapeConfig", profile: "both" },
  { name: "external label name under 2.42", yaml: "global:\n  external_labels: {a.b: c}\n", problem: '"a.b" is not a valid label name', profile: "v2.42" },
  { name: "sample_limit below zero", yaml: "scrape_configs:\n  - job_name: j\n    sample_limit: -1\n", problem: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!int `-1` into uint", profile: "both" },
  { name: "params value not a list", yaml: "scrape_configs:\n  - job_name: j\n    params: {a: b}\n", problem: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `b` into []string", profile: "both" },
  { name: "honor_labels not a bool", yaml: "scrape_configs:\n  - job_name: j\n    honor_labels: maybe\n", problem: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool", profile: "both" },
  { name: "null remote_write entry", yaml: "remote_write: [~]\n", problem: "empty or null remote write config section", profile: "both" },
  { name: "remote_write without url", yaml: "remote_write: [{}]\n", problem: "url for remote_write is empty", profile: "both" },
  { name: "unknown storage key", yaml: "storage: {foo: 1}\n", problem: "yaml: unmarshal errors:\n  line 1: field foo not found in type config.StorageConfig", profile: "both" },
  { name: "scrape_config_files under 2.42", yaml: "scrape_config_files: []\n", problem: "yaml: unmarshal errors:\n  line 1: field scrape_config_files not found in type config.plain", profile: "v2.42" },
  { name: "keep_dropped_targets under 2.42", yaml: "scrape_configs:\n  - job_name: j\n    keep_dropped_targets: 1\n", problem: "yaml: unmarshal errors:\n  line 3: field keep_dropped_targets not found in type config.ScrapeConfig", profile: "v2.42" },
  { name: "http_headers under 2.42", yaml: "scrape_configs:\n  - job_name: j\n    http_headers: {}\n", problem: "yaml: unmarshal errors:\n  line 3: field http_headers not found in type config.ScrapeConfig", profile: "v2.42" },
  { name: "a mechanism nobody knows", yaml: "scrape_configs:\n  - job_name: j\n    foo_sd_configs: []\n", problem: "yaml: unmarshal errors:\n  line 3: field foo_sd_configs not found in type config.ScrapeConfig", profile: "both" },
  { name: "invalid scrape config file pattern", yaml: "scrape_config_files: ['a/*/b.yml']\n", problem: 'invalid scrape config file path "a/*/b.yml"', profile: "v3" },
];

for (const c of errorCases) {
  const profiles: Profile[] = c.profile === "both" || c.profile === undefined ? ["v3", "v2.42"] : [c.profile];
  for (const profile of profiles) {
    test(`config: rejects ${c.name} (${profile})`, () => {
      const error = loadError(c.yaml, profile);
      assert.equal(error.code, "PROMSD_CONFIG_INVALID");
      assert.equal(error.problem, c.problem);
      assert.ok(error.message.includes(c.problem), "the message carries Prometheus's text");
      if (c.where) assert.ok(error.message.startsWith(`${c.where}: `), `message ${JSON.stringify(error.message)} starts with ${c.where}`);
    });
  }
}

interface AcceptCase {
  readonly name: string;
  readonly yaml: string;
  readonly profile?: Profile | "both";
}

const acceptCases: AcceptCase[] = [
  { name: "an empty file", yaml: "" },
  { name: "null global and scrape_configs", yaml: "global:\nscrape_configs:\n" },
  { name: "a URL target when the job has relabel rules", yaml: "scrape_configs:\n  - job_name: p\n    relabel_configs: [{target_label: a, replacement: b}]\n    static_configs: [{targets: ['http://a/x']}]\n" },
  { name: "a dotted static label name under v3", yaml: "scrape_configs:\n  - job_name: j\n    static_configs: [{targets: [a], labels: {foo.bar: x, 1st: y}}]\n", profile: "v3" },
  { name: "v3-only scrape keys under v3", yaml: "global:\n  keep_dropped_targets: 3\nscrape_configs:\n  - job_name: j\n    keep_dropped_targets: 1\n    http_headers: {X-A: {values: [b]}}\n    scrape_native_histograms: true\n", profile: "v3" },
  { name: "ignored sections", yaml: "rule_files: ['rules/*.yml']\nalerting:\n  alertmanagers:\n    - static_configs: [{targets: ['am:9093']}]\nremote_write: [{url: 'http://rw', name: a}]\nremote_read: [{url: 'http://rr'}]\nstorage: {tsdb: {out_of_order_time_window: 1h}}\ntracing: {endpoint: x}\n" },
  { name: "scrape-time keys that exist in 2.42", yaml: "scrape_configs:\n  - job_name: j\n    honor_labels: true\n    honor_timestamps: false\n    sample_limit: 1\n    body_size_limit: 10MB\n    label_limit: 2\n    target_limit: 3\n    label_name_length_limit: 4\n    label_value_length_limit: 5\n    scheme: ftp\n    metrics_path: ''\n" },
  { name: "an unimplemented mechanism under v3", yaml: "scrape_configs:\n  - job_name: j\n    vultr_sd_configs: [{}]\n", profile: "v3" },
];

for (const c of acceptCases) {
  const profiles: Profile[] = c.profile === "both" || c.profile === undefined ? ["v3", "v2.42"] : [c.profile];
  for (const profile of profiles) {
    test(`config: accepts ${c.name} (${profile})`, () => {
      assert.doesNotThrow(() => load(c.yaml, profile));
    });
  }
}

test("config: defaults when nothing is written", () => {
  const config = load("scrape_configs:\n  - job_name: j\n");
  assert.equal(config.global.scrapeIntervalMs, 60_000);
  assert.equal(config.global.scrapeTimeoutMs, 10_000);
  assert.equal(config.global.metricNameValidationScheme, "utf8");
  const job = config.scrapeConfigs[0];
  assert.ok(job);
  assert.deepEqual(
    { interval: job.scrapeIntervalMs, timeout: job.scrapeTimeoutMs, scheme: job.scheme, path: job.metricsPath, honorLabels: job.honorLabels, honorTimestamps: job.honorTimestamps },
    { interval: 60_000, timeout: 10_000, scheme: "http", path: "/metrics", honorLabels: false, honorTimestamps: true },
  );
  assert.deepEqual(job.sdConfigs, []);
  assert.equal(load("scrape_configs: [{job_name: j}]\n", "v2.42").scrapeConfigs[0]?.metricNameValidationScheme, "legacy");
});

const timeoutCases = [
  { name: "global interval below 10s caps the global timeout", yaml: "global: {scrape_interval: 5s}\nscrape_configs: [{job_name: j}]\n", global: [5_000, 5_000], job: [5_000, 5_000] },
  { name: "job interval below the global timeout caps the job timeout", yaml: "global: {scrape_interval: 5s, scrape_timeout: 3s}\nscrape_configs: [{job_name: j, scrape_interval: 2s}]\n", global: [5_000, 3_000], job: [2_000, 2_000] },
  { name: "a longer job interval inherits the global timeout", yaml: "scrape_configs: [{job_name: j, scrape_interval: 30s}]\n", global: [60_000, 10_000], job: [30_000, 10_000] },
  { name: "an explicit job timeout wins", yaml: "scrape_configs: [{job_name: j, scrape_interval: 30s, scrape_timeout: 25s}]\n", global: [60_000, 10_000], job: [30_000, 25_000] },
  { name: "zero intervals mean the default", yaml: "global: {scrape_interval: 0}\nscrape_configs: [{job_name: j, scrape_interval: 0s}]\n", global: [60_000, 10_000], job: [60_000, 10_000] },
];

for (const c of timeoutCases) {
  test(`config: timeout = min(timeout, interval) when ${c.name}`, () => {
    for (const profile of ["v3", "v2.42"] as const) {
      const config = load(c.yaml, profile);
      assert.deepEqual([config.global.scrapeIntervalMs, config.global.scrapeTimeoutMs], c.global);
      assert.deepEqual([config.scrapeConfigs[0]?.scrapeIntervalMs, config.scrapeConfigs[0]?.scrapeTimeoutMs], c.job);
    }
  });
}

test("config: a written null overrides the scheme and metrics_path defaults, as go-yaml sets zero values", () => {
  const job = load("scrape_configs:\n  - job_name: j\n    metrics_path:\n    scheme: https\n").scrapeConfigs[0];
  assert.equal(job?.metricsPath, "");
  assert.equal(job?.scheme, "https");
});

test("config: YAML 1.1 scalars keep their raw text in targets, labels and params", () => {
  const config = load("scrape_configs:\n  - job_name: j\n    params: {module: [0x10, yes]}\n    static_configs:\n      - targets: [9090, 0x10]\n        labels: {port: 0x10, flag: yes, empty: ~, octal: 0080}\n");
  assert.deepEqual(staticGroups(config), [{ source: "0", labels: { flag: "yes", octal: "0080", port: "0x10" }, targets: [{ __address__: "9090" }, { __address__: "0x10" }] }]);
  assert.deepEqual([...(config.scrapeConfigs[0]?.params ?? [])], [["module", ["0x10", "yes"]]]);
});

test("config: anchors, aliases and merge keys", () => {
  const yaml = [
    "scrape_configs:",
    "  - &base",
    "    job_name: a",
    "    scrape_interval: 5s",
    "    static_configs: &targets [{targets: ['a:1']}]",
    "  - <<: *base",
    "    job_name: b",
    "  - job_name: c",
    "    static_configs: *targets",
  ].join("\n");
  const config = load(yaml);
  assert.deepEqual(config.scrapeConfigs.map((j) => [j.jobName, j.scrapeIntervalMs]), [["a", 5_000], ["b", 5_000], ["c", 60_000]]);
  for (const i of [0, 1, 2]) assert.deepEqual(staticGroups(config, i)[0]?.targets, [{ __address__: "a:1" }]);
});

test("config: YAML syntax errors carry the line and libyaml's wording", () => {
  const error = loadError("scrape_configs:\n  - job_name: a\n\t  scrape_interval: 5s\n");
  assert.equal(error.problem, "yaml: line 3: found character that cannot start any token");
  assert.equal(error.at.line, 3);
  assert.ok(error.message.startsWith(`${FILE}:3: `));
});

test("config: unknown keys name a close known key in the hint", () => {
  const error = loadError("scrape_configs:\n  - job_name: j\n    scrape_intervall: 5s\n");
  assert.match(error.message, /did you mean "scrape_interval"\?$/);
});

test("config: every static_configs entry of a job merges into one static SdConfig numbered across entries", () => {
  const config = load("scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: []\n        labels: {team: a}\n      - targets: ['[::1]:9100', '9100']\n        labels: {team: b}\n      - {}\n");
  const job = config.scrapeConfigs[0];
  assert.equal(job?.sdConfigs.length, 1);
  assert.equal(job?.sdConfigs[0]?.provider, "static");
  assert.deepEqual(staticGroups(config).map((g) => [g.source, g.labels, g.targets.length]), [["0", { team: "a" }, 0], ["1", { team: "b" }, 2], ["2", {}, 0]]);
});

test("config: unimplemented mechanisms are accepted with a warning naming job and key", () => {
  // Mechanisms land one by one (issues 12-14); the test follows whichever known key still has no provider.
  const key = KNOWN_SD_CONFIG_KEYS.find((k) => !builtinProviders.some((p) => p.configKey === k));
  assert.ok(key !== undefined, "every known key has a provider now: remove the unimplemented path and this test (issue 14)");
  const config = load(`scrape_configs:\n  - job_name: web\n    ${key}: [{}]\n    static_configs: [{targets: ['a:1']}]\n`);
  assert.equal(config.warnings.length, 1);
  const warning = config.warnings[0];
  assert.equal(warning?.jobName, "web");
  assert.match(warning?.message ?? "", new RegExp(`${key} is not implemented by promsd yet; it contributes no targets`));
  assert.equal(warning?.at.line, 3);
  assert.deepEqual(config.scrapeConfigs[0]?.sdConfigs.map((s) => s.provider), ["static"]);
});

test("config: the job's metric_name_validation_scheme reaches relabel validation (v3)", () => {
  const rule = "    relabel_configs: [{target_label: foo.bar, replacement: x}]\n";
  assert.doesNotThrow(() => load(`scrape_configs:\n  - job_name: j\n${rule}`));
  const error = loadError(`scrape_configs:\n  - job_name: j\n    metric_name_validation_scheme: legacy\n${rule}`);
  assert.equal(error.problem, `"foo.bar" is invalid 'target_label' for replace action`);
  assert.equal(loadError(`scrape_configs:\n  - job_name: j\n${rule}`, "v2.42").problem, `"foo.bar" is invalid 'target_label' for replace action`);
});

test("config: relative *_file paths resolve against the config directory", () => {
  const config = load("scrape_configs:\n  - job_name: j\n    bearer_token_file: ./tokens/../t.txt\n    tls_config: {ca_file: /abs/ca.pem, cert_file: c.pem, key_file: k.pem}\n");
  const client = config.scrapeConfigs[0]?.httpClient;
  assert.equal(client?.authorization?.credentialsFile, "/etc/prometheus/t.txt");
  assert.equal(client?.authorization?.type, "Bearer");
  assert.equal(client?.tlsConfig.caFile, "/abs/ca.pem");
  assert.equal(client?.tlsConfig.certFile, "/etc/prometheus/c.pem");
});

const SECRETS = [
  "hunter2-basic", "tok-bearer", "cred-authz", "oauth-secret", "proxy-hdr-secret", "header-secret", "rw-password",
  "tls-inline-key", "00000000-0000-0000-0000-5ec7e7000008", "ovh-app-secret", "ovh-consumer-key", "uyuni-password",
];

const SECRET_YAML = `
scrape_configs:
  - job_name: basic
    basic_auth: {username: u, password: ${SECRETS[0]}}
  - job_name: bearer
    bearer_token: ${SECRETS[1]}
  - job_name: authz
    authorization: {type: Token, credentials: ${SECRETS[2]}}
  - job_name: oauth
    oauth2: {client_id: id, client_secret: ${SECRETS[3]}, token_url: 'http://auth/token'}
    proxy_url: http://proxy:3128
    proxy_connect_header: {X-Proxy: [${SECRETS[4]}]}
  - job_name: headers
    http_headers: {X-Api: {secrets: [${SECRETS[5]}]}}
    tls_config: {key: ${SECRETS[7]}, cert: inline-cert}
  - job_name: password-in-url
    http_sd_configs: [{url: 'http://sd-user:url-password@sd.example/targets'}]
  - job_name: cloud-mechanisms
    scaleway_sd_configs: [{role: instance, project_id: 11111111-1111-1111-1111-111111111111, access_key: SCWXXXXXXXXXXXXXXXXX, secret_key: ${SECRETS[8]}}]
    ovhcloud_sd_configs: [{endpoint: ovh-eu, application_key: k, application_secret: ${SECRETS[9]}, consumer_key: ${SECRETS[10]}, service: vps}]
    uyuni_sd_configs: [{server: 'https://u', username: u, password: ${SECRETS[11]}}]
remote_write:
  - url: http://rw
    basic_auth: {username: u, password: ${SECRETS[6]}}
`;

test("config: secrets never appear in String(), JSON or util.inspect of the loaded config", () => {
  const config = load(SECRET_YAML);
  const renderings = [
    String(config),
    JSON.stringify(config, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value instanceof Map ? [...value] : value)),
    inspect(config, { depth: Infinity }),
    `${config.scrapeConfigs[0]?.httpClient?.basicAuth?.password}`,
  ];
  for (const text of renderings) for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} leaked`);
  assert.equal(config.scrapeConfigs[1]?.httpClient?.authorization?.credentials.reveal(), SECRETS[1]);
  assert.equal(config.scrapeConfigs[3]?.httpClient?.oauth2?.clientSecret.reveal(), SECRETS[3]);
});

test("config: renderConfigYaml shows <secret> for every secret and never a secret value", () => {
  const yaml = renderConfigYaml(load(SECRET_YAML));
  assert.ok(!yaml.includes("url-password"), "a password inside a URL leaked into the rendered config");
  assert.match(yaml, /http:\/\/sd-user:xxxxx@sd\.example\/targets/);
  for (const secret of SECRETS) assert.ok(!yaml.includes(secret), `${secret} leaked into the rendered config`);
  assert.equal(yaml.match(/<secret>/g)?.length, SECRETS.length);
  assert.match(yaml, /password: <secret>/);
  assert.match(yaml, /bearer_token: <secret>/);
  assert.match(yaml, /client_secret: <secret>/);
});

test("config: renderConfigYaml fills in the defaults Prometheus shows", () => {
  const yaml = renderConfigYaml(load("global: {scrape_interval: 15s}\nscrape_configs:\n  - job_name: j\n    relabel_configs: [{source_labels: [a], target_label: b}]\n"));
  assert.match(yaml, /^global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\n  evaluation_interval: 1m\n/);
  assert.match(yaml, /- job_name: j\n  honor_timestamps: true\n  scrape_interval: 15s\n  scrape_timeout: 10s\n  metrics_path: \/metrics\n  scheme: http\n/);
  assert.match(yaml, /separator: ;\n    regex: \(\.\*\)\n    target_label: b\n    replacement: \$1\n    action: replace/);
});

test("config: scrape_config_files adds jobs, resolves paths against their own folder and rejects duplicate names (v3)", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, {
    "prometheus.yml": "global: {scrape_interval: 20s}\nscrape_config_files: ['jobs/*.yml']\nscrape_configs: [{job_name: main}]\n",
    "jobs/a.yml": "scrape_configs:\n  - job_name: a\n    bearer_token_file: token\n  - job_name: b\n",
    "jobs/c.yml": "scrape_configs: [{job_name: c}]\n",
    "jobs/ignored.txt": "not yaml: [",
  });
  const config = await loadConfigFile(`${dir}/prometheus.yml`);
  assert.deepEqual(config.scrapeConfigs.map((j) => [j.jobName, j.scrapeIntervalMs]), [["main", 20_000], ["a", 20_000], ["b", 20_000], ["c", 20_000]]);
  assert.equal(config.scrapeConfigs[1]?.httpClient?.authorization?.credentialsFile, `${dir}/jobs/token`);
  assert.equal(config.scrapeConfigs[1]?.file, `${dir}/jobs/a.yml`);

  await writeFiles(dir, { "jobs/d.yml": "scrape_configs: [{job_name: main}]\n" });
  const duplicate = await loadConfigFile(`${dir}/prometheus.yml`).then(() => undefined, (error: unknown) => error);
  assert.ok(duplicate instanceof ConfigError);
  assert.equal(duplicate.problem, `"${dir}/jobs/d.yml": found multiple scrape configs with job name "main", first found in main config file`);

  await writeFiles(dir, { "jobs/d.yml": "scrape_configs: [{job_name: a}]\n" });
  const again = await loadConfigFile(`${dir}/prometheus.yml`).then(() => undefined, (error: unknown) => error);
  assert.ok(again instanceof ConfigError);
  assert.equal(again.problem, `"${dir}/jobs/d.yml": found multiple scrape configs with job name "a", first found in "${dir}/jobs/a.yml"`);

  await writeFiles(dir, { "jobs/d.yml": "scrape_configs: [{job_name: d, scrape_timeout: 30s}]\nextra: 1\n" });
  const bad = await loadConfigFile(`${dir}/prometheus.yml`).then(() => undefined, (error: unknown) => error);
  assert.ok(bad instanceof ConfigError);
  assert.equal(bad.problem, `"${dir}/jobs/d.yml": yaml: unmarshal errors:\n  line 2: field extra not found in type config.ScrapeConfigs`);
  assert.equal(bad.at.file, `${dir}/jobs/d.yml`);
});

test("config: loadConfigFile reports a missing file as a ConfigError", async () => {
  await assert.rejects(loadConfigFile("/nonexistent/promsd/prometheus.yml"), (error: unknown) => error instanceof ConfigError && /no such file or directory/.test(error.problem));
});

test("config: configFromObject validates a JS object like the same YAML", () => {
  const config = configFromObject({ global: { scrape_interval: "10s" }, scrape_configs: [{ job_name: "j", static_configs: [{ targets: ["a:1"], labels: { n: 5 } }] }] }, { profile: "v2.42" });
  assert.equal(config.scrapeConfigs[0]?.scrapeTimeoutMs, 10_000);
  assert.deepEqual(staticGroups(config)[0]?.labels, { n: "5" });
  assert.throws(() => configFromObject({ scrape_configs: [{ job_name: "" }] }), (error: unknown) => error instanceof ConfigError && error.problem === "job_name is empty");
});
