/**
 * Differential test against the reference `promtool check config` (Prometheus 2.42, Debian build): every
 * config of the corpus must be accepted or rejected by both, and where promtool rejects it, promsd's
 * `problem` must be promtool's message (the text after `parsing YAML file <file>: `). Configs use only
 * mechanisms promsd owns here (static) or none, so the outcome depends on config loading alone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { promsdCheckConfig as promsdCheck, promtoolCheckConfig as promtoolCheck } from "../testing/config-oracle.js";
import { assertPromtoolInstalled, tempDir, writeFiles } from "../testing/index.js";

interface CorpusEntry {
  readonly name: string;
  readonly yaml: string;
}

const good: CorpusEntry[] = [
  { name: "minimal", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n" },
  { name: "empty", yaml: "" },
  {
    name: "global and several jobs",
    yaml: "global:\n  scrape_interval: 15s\n  scrape_timeout: 5s\n  evaluation_interval: 30s\n  external_labels: {dc: eu1, replica: ~}\n  query_log_file: q.log\nscrape_configs:\n  - job_name: a\n    scrape_interval: 3s\n  - job_name: b\n    scrape_timeout: 15s\n",
  },
  { name: "URL targets with relabel rules", yaml: "scrape_configs:\n  - job_name: probe\n    relabel_configs: [{source_labels: [__address__], target_label: __param_target}, {target_label: __address__, replacement: 'blackbox:9115'}]\n    static_configs: [{targets: ['http://a/x']}]\n" },
  {
    name: "HTTP client settings",
    yaml: "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password_file: pw}\n    tls_config: {ca_file: ca.pem, cert_file: c.pem, key_file: k.pem, server_name: s, insecure_skip_verify: true, min_version: TLS12}\n    proxy_url: http://proxy:3128\n    proxy_connect_header: {X-A: [b]}\n    follow_redirects: false\n    enable_http2: false\n  - job_name: b\n    oauth2: {client_id: i, client_secret: s, token_url: 'http://t', scopes: [a], endpoint_params: {k: v}}\n  - job_name: c\n    authorization: {type: Token, credentials_file: tok}\n  - job_name: d\n    bearer_token: abc\n",
  },
  {
    name: "scrape-time keys",
    yaml: "scrape_configs:\n  - job_name: a\n    params: {module: [http_2xx, x]}\n    honor_labels: yes\n    honor_timestamps: off\n    scheme: https\n    metrics_path: /m\n    sample_limit: 0x10\n    body_size_limit: 10MB\n    label_limit: 1\n    target_limit: 2\n    label_name_length_limit: 3\n    label_value_length_limit: 4\n",
  },
  { name: "anchors and merge keys", yaml: "scrape_configs:\n  - &base\n    job_name: a\n    scrape_interval: 5s\n    static_configs: [{targets: ['a:1']}]\n  - <<: *base\n    job_name: b\n" },
  { name: "YAML 1.1 scalars in groups", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [9090, 0x10], labels: {port: 0x10, flag: yes, e: ~}}]\n" },
  {
    name: "ignored sections",
    yaml: "alerting:\n  alert_relabel_configs: [{action: labeldrop, regex: x}]\n  alertmanagers:\n    - static_configs: [{targets: ['am:9093']}]\n      timeout: 10s\nremote_write:\n  - url: http://rw\n    name: a\n    write_relabel_configs: [{action: drop, source_labels: [x]}]\n  - url: http://rw2\nremote_read: [{url: 'http://rr', read_recent: true}]\nstorage: {tsdb: {out_of_order_time_window: 1h}}\ntracing: {endpoint: 'x:4317'}\n",
  },
  { name: "zero intervals", yaml: "global: {scrape_interval: 0}\nscrape_configs: [{job_name: a, scrape_interval: 0s}]\n" },
  { name: "remote, tracing and storage settings", yaml: "remote_write:\n  - url: http://x\n    remote_timeout: 5s\n    headers: {X-A: b}\n    queue_config: {capacity: 1, max_shards: 2, batch_send_deadline: 5s, retry_on_http_429: true}\n    metadata_config: {send: false, send_interval: 1m}\n    sigv4: {region: eu}\nremote_read: [{url: 'http://y', required_matchers: {a: b}, filter_external_labels: false}]\ntracing: {endpoint: x, sampling_fraction: 0.5, client_type: http, compression: gzip, timeout: 5s}\nstorage: {exemplars: {max_exemplars: 10}}\n" },
  { name: "floats and exponents in counts", yaml: "scrape_configs:\n  - job_name: a\n    sample_limit: 1.5\n    label_limit: 1e3\n    body_size_limit: 1MB512KB\n" },
  { name: "empty static groups", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{}, {targets: []}, {labels: {a: b}}]\n" },
];

const bad: CorpusEntry[] = [
  { name: "empty job_name", yaml: "scrape_configs:\n  - job_name: ''\n" },
  { name: "duplicate job", yaml: "scrape_configs:\n  - job_name: a\n  - job_name: a\n" },
  { name: "null scrape config", yaml: "scrape_configs: [~]\n" },
  { name: "null static entry", yaml: "scrape_configs:\n  - job_name: a\n    static_configs:\n      -\n" },
  { name: "null relabel rule", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://x/y']}]\n    relabel_configs: [~]\n" },
  { name: "null metric relabel rule", yaml: "scrape_configs:\n  - job_name: a\n    metric_relabel_configs: [~]\n" },
  { name: "job timeout above interval", yaml: "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n" },
  { name: "global timeout above interval", yaml: "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n" },
  { name: "URL target", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://a:1/x']}]\n" },
  { name: "dotted label name", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [a], labels: {foo.bar: x}}]\n" },
  { name: "kubernetes_sd_configs", yaml: "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: [{role: pod}]\n" },
  { name: "unknown top-level key", yaml: "scrape_configs: []\nruntime: {}\n" },
  { name: "duration without unit", yaml: "scrape_configs:\n  - job_name: a\n    scrape_interval: 30\n" },
  { name: "duration with unknown unit", yaml: "global:\n  scrape_timeout: 5x\n" },
  { name: "bearer_token and file", yaml: "scrape_configs:\n  - job_name: a\n    bearer_token: x\n    bearer_token_file: y\n" },
  { name: "basic_auth and oauth2", yaml: "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    oauth2: {client_id: a, client_secret: b, token_url: 'http://t'}\n" },
  { name: "authorization type basic", yaml: "scrape_configs:\n  - job_name: a\n    authorization: {type: basic}\n" },
  { name: "oauth2 without secret", yaml: "scrape_configs:\n  - job_name: a\n    oauth2: {client_id: a, token_url: 'http://t'}\n" },
  { name: "password and password_file", yaml: "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p, password_file: f}\n" },
  { name: "unknown relabel action", yaml: "scrape_configs:\n  - job_name: a\n    relabel_configs: [{action: Foo}]\n" },
  { name: "keep_dropped_targets (2.47+)", yaml: "scrape_configs:\n  - job_name: a\n    keep_dropped_targets: 1\n" },
  { name: "scrape_configs as a map", yaml: "scrape_configs: {}\n" },
  { name: "unknown key in a group", yaml: "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [a]\n        foo: 1\n" },
  { name: "invalid external label", yaml: "global:\n  external_labels: {a-b: c}\n" },
  { name: "remote_write without url", yaml: "remote_write: [{name: a}]\n" },
  { name: "honor_labels not a bool", yaml: "scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n" },
  { name: "negative sample_limit", yaml: "scrape_configs:\n  - job_name: a\n    sample_limit: -1\n" },
  { name: "duplicate key", yaml: "scrape_configs:\n  - job_name: a\n    scrape_interval: 1s\n    scrape_interval: 2s\n" },
  { name: "unknown TLS version", yaml: "scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS9}\n" },
  { name: "proxy_connect_header without proxy_url", yaml: "scrape_configs:\n  - job_name: a\n    proxy_connect_header: {a: [b]}\n" },
  { name: "tls_config inline ca (3.x only)", yaml: "scrape_configs:\n  - job_name: a\n    tls_config: {ca: x}\n" },
  { name: "unknown key in authorization", yaml: "scrape_configs:\n  - job_name: a\n    authorization: {foo: a}\n" },
  { name: "static_configs as a map", yaml: "scrape_configs:\n  - job_name: a\n    static_configs: {}\n" },
  { name: "relabel_configs as a map", yaml: "scrape_configs:\n  - job_name: a\n    relabel_configs: {}\n" },
  { name: "long value in a type error", yaml: "scrape_configs:\n  - job_name: a\n    sample_limit: abcdefghijklmnop\n" },
  { name: "body_size_limit without unit", yaml: "scrape_configs:\n  - job_name: a\n    body_size_limit: 1\n" },
  { name: "body_size_limit not a number", yaml: "scrape_configs:\n  - job_name: a\n    body_size_limit: abc\n" },
  { name: "proxy_url with a space in the host", yaml: "scrape_configs:\n  - job_name: a\n    proxy_url: 'http://a b'\n" },
  { name: "proxy_url with a bad escape", yaml: "scrape_configs:\n  - job_name: a\n    proxy_url: '%zz'\n" },
  { name: "alertmanager api version", yaml: "alerting: {alertmanagers: [{api_version: v3}]}\n" },
  { name: "alertmanager URL target", yaml: "alerting: {alertmanagers: [{static_configs: [{targets: ['http://x/y']}]}]}\n" },
  { name: "alertmanager null SD entry", yaml: "alerting: {alertmanagers: [{file_sd_configs: [~]}]}\n" },
  { name: "alertmanager kubernetes_sd_configs", yaml: "alerting: {alertmanagers: [{kubernetes_sd_configs: []}]}\n" },
  { name: "alertmanager sigv4 (2.43+)", yaml: "alerting: {alertmanagers: [{sigv4: {region: a}}]}\n" },
  { name: "remote_write reserved header", yaml: "remote_write: [{url: 'http://x', headers: {X-Prometheus-Remote-Write-Version: x}}]\n" },
  { name: "remote_read authorization header", yaml: "remote_read: [{url: 'http://x', headers: {Authorization: x}}]\n" },
  { name: "remote_write sigv4 and basic_auth", yaml: "remote_write: [{url: 'http://x', sigv4: {region: a}, basic_auth: {username: a}}]\n" },
  { name: "remote_write unknown queue_config key", yaml: "remote_write: [{url: 'http://x', queue_config: {foo: 1}}]\n" },
  { name: "remote_write bad URL", yaml: "remote_write: [{url: 'http://a:x/'}]\n" },
  { name: "tracing without endpoint", yaml: "tracing: {insecure: true}\n" },
  { name: "tracing client type", yaml: "tracing: {endpoint: x, client_type: foo}\n" },
  { name: "tracing compression", yaml: "tracing: {endpoint: x, compression: zip}\n" },
  { name: "storage exemplars unknown key", yaml: "storage: {exemplars: {foo: 1}}\n" },
  // Which error wins when there are several (document order, go-yaml's collected type errors, config-level checks last).
  { name: "scrape config error above a global error", yaml: "scrape_configs:\n  - job_name: ''\nglobal:\n  scrape_interval: 5x\n" },
  { name: "unknown keys in several sections", yaml: "scrape_configs:\n  - job_name: a\n    foo: 1\n  - job_name: b\n    bar: 2\nglobal:\n  baz: 1\nqux: 1\n" },
  { name: "a type error does not hide a later check error", yaml: "scrape_configs:\n  - job_name: a\n    foo: 1\n  - job_name: ''\n" },
  { name: "null remote_write is checked after decoding", yaml: "remote_write: [~]\nscrape_configs:\n  - job_name: ''\n" },
  { name: "timeout check before the remote_write null check", yaml: "scrape_configs:\n  - job_name: a\n    scrape_timeout: 2m\nremote_write: [~]\n" },
  { name: "null scrape config is checked after decoding", yaml: "scrape_configs:\n  - ~\n  - job_name: ''\n" },
  // YAML syntax errors in libyaml's words.
  { name: "tab indentation", yaml: "scrape_configs:\n\t- job_name: a\n" },
  { name: "item indented less than its siblings", yaml: "scrape_configs:\n  - job_name: a\n   foo: b\n" },
  { name: "unclosed quote", yaml: "global: {a: \"b}\n" },
  { name: "nested compact mapping", yaml: "x:\n  y: 1\n  a: b\n   c: d\n" },
  { name: "unclosed flow sequence", yaml: "scrape_configs:\n- job_name: a\n  static_configs: [{targets: [a]}\n" },
  { name: "unknown anchor", yaml: "scrape_configs:\n- job_name: a\n  scrape_interval: *y\n" },
  { name: "job_name check before HTTP client checks", yaml: "scrape_configs:\n  - job_name: ''\n    bearer_token: a\n    bearer_token_file: b\n" },
  { name: "unknown key before HTTP client checks", yaml: "scrape_configs:\n  - job_name: a\n    bearer_token: a\n    bearer_token_file: b\n    foo: 1\n" },
  { name: "remote_write url check before HTTP client checks", yaml: "remote_write: [{bearer_token: a, bearer_token_file: b}]\n" },
  { name: "duplicate remote read names", yaml: "remote_read: [{url: 'http://x', name: a}, {url: 'http://y', name: a}]\n" },
];

test("config differential: promsd (v2.42) accepts and rejects what promtool check config 2.42 does, with its message", async (t) => {
  assertPromtoolInstalled();
  const dir = await tempDir(t);
  const corpus = [...good.map((c) => ({ ...c, isGood: true })), ...bad.map((c) => ({ ...c, isGood: false }))];
  assert.ok(corpus.length >= 20);
  await writeFiles(dir, Object.fromEntries(corpus.map((c, i) => [`c${i}.yml`, c.yaml])));
  // promtool check config also checks that referenced credential and TLS files exist (not a config-loading
  // concern), so the files the corpus names are created.
  await writeFiles(dir, Object.fromEntries(["pw", "tok", "ca.pem", "c.pem", "k.pem"].map((name) => [name, "x\n"])));
  const mismatches: string[] = [];
  corpus.forEach((c, i) => {
    const file = `c${i}.yml`;
    const reference = promtoolCheck(dir, file);
    const ours = promsdCheck(dir, file, c.yaml);
    if (reference.ok !== c.isGood) mismatches.push(`${c.name}: corpus says ${c.isGood ? "good" : "bad"}, promtool says ${reference.ok ? "ok" : reference.message}`);
    else if (ours.ok !== reference.ok || ours.message !== reference.message) {
      mismatches.push(`${c.name}: promtool ${JSON.stringify(reference)} vs promsd ${JSON.stringify(ours)}`);
    }
  });
  assert.deepEqual(mismatches, []);
});
