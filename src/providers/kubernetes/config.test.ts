import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigLocation } from "../../yaml/location.js";
import { parseYaml } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { parseKubernetesConfig } from "./config.js";
import { fieldSelectorProblem, labelSelectorProblem } from "./selectors.js";

const at = new ConfigLocation("prometheus.yml", 5, "scrape_configs[0].kubernetes_sd_configs[0]");
const ctx = { configDir: "/etc/prometheus", profile: "v3" as const };
const parse = (yaml: string) => parseKubernetesConfig(parseYaml(yaml, "p.yml"), at, ctx);

const rejected: { name: string; yaml: string; problem: string }[] = [
  { name: "unknown role", yaml: "role: Pod", problem: 'unknown Kubernetes SD role "Pod"' },
  { name: "unknown selector role", yaml: "role: pod\nselectors: [{role: pods}]", problem: 'unknown Kubernetes SD role "pods"' },
  { name: "unknown role wins over unknown key", yaml: "foo: 1\nrole: nope", problem: 'unknown Kubernetes SD role "nope"' },
  { name: "unknown key under namespaces", yaml: "role: pod\nnamespaces: {foo: x}", problem: "yaml: unmarshal errors:\n  line 2: field foo not found in type kubernetes.plain" },
  { name: "malformed api_server", yaml: "role: pod\napi_server: 'http://h:port'", problem: 'parse "http://h:port": invalid port ":port" after host' },
  { name: "role missing", yaml: "api_server: https://k8s:6443", problem: "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)" },
  { name: "role empty", yaml: "role: ''", problem: "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)" },
  { name: "bearer token and file", yaml: "role: pod\napi_server: https://k\nbearer_token: a\nbearer_token_file: b", problem: "at most one of bearer_token & bearer_token_file must be configured" },
  { name: "no_proxy without proxy_url", yaml: "role: pod\napi_server: https://k\nno_proxy: example.com", problem: "if no_proxy is configured, proxy_url must also be configured" },
  { name: "api_server and kubeconfig", yaml: "role: pod\napi_server: https://k\nkubeconfig_file: kc", problem: "cannot use 'kubeconfig_file' and 'api_server' simultaneously" },
  { name: "kubeconfig with custom client", yaml: "role: pod\nkubeconfig_file: kc\ntls_config: {insecure_skip_verify: true}", problem: "cannot use a custom HTTP client configuration together with 'kubeconfig_file'" },
  { name: "custom client without api_server", yaml: "role: pod\nenable_http2: false", problem: "to use custom HTTP client configuration please provide the 'api_server' URL explicitly" },
  { name: "bearer token without api_server", yaml: "role: pod\nbearer_token: t", problem: "to use custom HTTP client configuration please provide the 'api_server' URL explicitly" },
  { name: "api_server and own_namespace", yaml: "role: pod\napi_server: https://k\nnamespaces: {own_namespace: true}", problem: "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously" },
  { name: "kubeconfig and own_namespace", yaml: "role: pod\nkubeconfig_file: kc\nnamespaces: {own_namespace: true}", problem: "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously" },
  { name: "duplicated selector role", yaml: "role: pod\nselectors: [{role: pod}, {role: pod, label: a=b}]", problem: "duplicated selector role: pod" },
  { name: "endpoints with node selector", yaml: "role: endpoints\nselectors: [{role: node}]", problem: "endpoints role supports only pod, service, endpoints selectors" },
  { name: "endpointslice with endpoints selector", yaml: "role: endpointslice\nselectors: [{role: endpoints}]", problem: "endpointslice role supports only pod, service, endpointslice selectors" },
  { name: "pod with service selector", yaml: "role: pod\nselectors: [{role: service}]", problem: "pod role supports only pod, node selectors" },
  { name: "selector without role", yaml: "role: node\nselectors: [{label: a=b}]", problem: "node role supports only node selectors" },
  { name: "bad field selector", yaml: "role: pod\nselectors: [{role: pod, field: metadata.status-Running}]", problem: "invalid selector: 'metadata.status-Running'; can't understand 'metadata.status-Running'" },
  { name: "duplicate checked before the field", yaml: "role: pod\nselectors: [{role: pod}, {role: pod, field: x}]", problem: "duplicated selector role: pod" },
  { name: "unknown attach_metadata key", yaml: "role: pod\nattach_metadata: {nodes: true}", problem: "yaml: unmarshal errors:\n  line 2: field nodes not found in type kubernetes.AttachMetadataConfig" },
];

for (const c of rejected) {
  test(`kubernetes config: rejects ${c.name}`, () => {
    assert.throws(() => parse(c.yaml), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.problem, c.problem);
      return true;
    });
  });
}

test("kubernetes config: reads every key with defaults", () => {
  const config = parse([
    "role: endpointslice",
    "kubeconfig_file: kube/config",
    "follow_redirects: true",
    "namespaces: {names: [a, b, a]}",
    "selectors: [{role: pod, label: 'app in (x, y),!canary', field: 'spec.nodeName=n1'}, {role: service}]",
    "attach_metadata: {node: true, namespace: true, deployment: true, job: true, cronjob: false}",
  ].join("\n"));
  assert.equal(config.role, "endpointslice");
  assert.equal(config.kubeconfigFile, "/etc/prometheus/kube/config");
  assert.equal(config.apiServer, undefined);
  assert.deepEqual(config.namespaces, { names: ["a", "b", "a"], ownNamespace: false });
  assert.deepEqual(config.selectors, [{ role: "pod", label: "app in (x, y),!canary", field: "spec.nodeName=n1" }, { role: "service", label: "", field: "" }]);
  assert.deepEqual(config.attachMetadata, { node: true, namespace: true, deployment: true, job: true, cronjob: false });
});

test("kubernetes config: api_server with a bearer token becomes an authorization block", () => {
  const config = parse("role: node\napi_server: https://rancher.example.com/k8s/clusters/c-1\nbearer_token: abc");
  assert.equal(config.apiServer, "https://rancher.example.com/k8s/clusters/c-1");
  assert.equal(config.httpClient.authorization?.type, "Bearer");
});

test("kubernetes config: attach_metadata flags are not checked against the role", () => {
  assert.equal(parse("role: service\nattach_metadata: {node: true}").attachMetadata.node, true);
});

const fieldCases: { selector: string; ok: boolean }[] = [
  { selector: "", ok: true },
  { selector: "spec.nodeName=n1", ok: true },
  { selector: "metadata.name==a,status.phase!=Running", ok: true },
  { selector: "a=b,", ok: true },
  { selector: "a\\=b", ok: false },
  { selector: "abc", ok: false },
];
for (const c of fieldCases) {
  test(`kubernetes selectors: field ${JSON.stringify(c.selector)} ${c.ok ? "parses" : "is rejected"}`, () => {
    assert.equal(fieldSelectorProblem(c.selector) === undefined, c.ok);
  });
}

const labelCases: { selector: string; ok: boolean }[] = [
  { selector: "", ok: true },
  { selector: "app=web", ok: true },
  { selector: "app==web,tier!=db", ok: true },
  { selector: "app in (a, b),env notin (prod)", ok: true },
  { selector: "node-role.kubernetes.io/gpu", ok: true },
  { selector: "!canary", ok: true },
  { selector: "x=", ok: true },
  { selector: "app=we b", ok: false },
  { selector: "app in a", ok: false },
  { selector: "-bad=x", ok: false },
  { selector: "a=b,", ok: false },
  { selector: "a=b)", ok: false },
];
for (const c of labelCases) {
  test(`kubernetes selectors: label ${JSON.stringify(c.selector)} ${c.ok ? "parses" : "is rejected"}`, () => {
    assert.equal(labelSelectorProblem(c.selector) === undefined, c.ok, labelSelectorProblem(c.selector));
  });
}
