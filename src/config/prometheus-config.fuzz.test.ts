import { test } from "node:test";
import { ConfigError } from "../errors.js";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../testing/fuzz.js";
import { parseConfigText } from "./prometheus-config.js";

const SEEDS = [
  `global: {scrape_interval: 15s, external_labels: {a: b}}
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["127.0.0.1:9100"], labels: {env: prod}}]
    relabel_configs:
      - {source_labels: [__address__], regex: "(.*):.*", target_label: host, replacement: "$1"}
      - {action: hashmod, source_labels: [host], modulus: 4, target_label: shard}
`,
  `scrape_configs:
  - job_name: files
    file_sd_configs: [{files: ["sd/*.json"], refresh_interval: 1m}]
    basic_auth: {username: u, password: p}
    tls_config: {insecure_skip_verify: true}
  - job_name: http
    http_sd_configs: [{url: "http://127.0.0.1:1/sd", refresh_interval: 30s}]
    metric_relabel_configs: [{action: labeldrop, regex: "tmp_.*"}]
  - job_name: dns
    dns_sd_configs: [{names: [a.example], type: SRV}]
`,
];

test("fuzz prometheus.yml: loading returns a config or throws a ConfigError, never anything else", (t) => {
  const text = mutatedText(SEEDS, fc.constantFrom(":", " ", "\n", "- ", "[", "]", "{", "}", "&x", "*x", "<<: *x", "!!str", '"', "'", "job_name: a", "regex: (", "1h"));
  runFuzz(t, "prometheus.yml", fc.oneof(text, fc.string({ maxLength: 200 })), (input) => void parsesOrThrowsTyped((s: string) => parseConfigText(s, "fuzz.yml"), input, [ConfigError]));
});
