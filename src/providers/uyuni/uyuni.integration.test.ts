/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` both talk XML-RPC to the same fake Uyuni on 127.0.0.1 and must print the same
 * targets and make the same calls. The corpus covers the label rules (groups joined by `separator`, TLS
 * scheme, systems without network data, custom entitlement) and kolo/xmlrpc's decoding corners, each as a
 * raw answer to one method: untyped values, `<i4>`, empty type tags, unknown members, wrong types, faults.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import type { ScriptedAnswer } from "../../testing/scripted-answer.js";
import { rpcFault, startFakeUyuni, type FakeUyuniSystem } from "./fake-uyuni-server.js";

const SYSTEMS: FakeUyuniSystem[] = [
  { id: 1000010000, groups: [{ id: 1, name: "web" }, { id: 2, name: "prod" }], network: { hostname: "web-1.example", primary_fqdn: "web-1.example.com", ip: "10.0.0.1" }, endpoints: [{ endpoint_name: "node_exporter", port: 9100 }, { endpoint_name: "apache_exporter", port: 9117, path: "/apache", module: "apache", exporter_name: "apache_exporter", tls_enabled: true }] },
  { id: 1000010001, groups: [], network: { hostname: "db-1" }, endpoints: [{ endpoint_name: "postgres", port: 9187, exporter_name: "postgres_exporter" }] },
  { id: 1000010002, groups: [{ id: 3, name: "lonely" }], endpoints: [{ endpoint_name: "node", port: 9100 }] },
  { id: 1000010003, entitlements: ["other"], network: { hostname: "skip" }, endpoints: [{ endpoint_name: "x", port: 1 }] },
];

const response = (value: string): string => `<?xml version="1.0"?>\n<methodResponse><params><param>${value}</param></params></methodResponse>`;
const ENDPOINTS = "system.monitoring.listEndpoints";
const GROUPS = "system.listSystemGroupsForSystemsWithEntitlement";
const one = [{ id: 7, groups: [{ id: 1, name: "g" }], network: { hostname: "h7" }, endpoints: [{ endpoint_name: "e", port: 1 }] }];

const CORPUS: { name: string; systems?: FakeUyuniSystem[]; block?: string; raw?: [string, string][]; answer?: ScriptedAnswer; wantTargets: number }[] = [
  { name: "systems, groups, TLS, missing network, entitlement filter", systems: SYSTEMS, wantTargets: 4 },
  { name: "custom separator and entitlement", systems: SYSTEMS, block: "separator: ' | '\nentitlement: other", wantTargets: 1 },
  { name: "no systems", systems: [], wantTargets: 0 },
  { name: "untyped values, i4, unknown members, empty tags", systems: one, wantTargets: 2, raw: [[ENDPOINTS, response(`<value><array><data>
    <value><struct><member><name>system_id</name><value><i4>7</i4></value></member><member><name>endpoint_name</name><value>  untyped name  </value></member><member><name>port</name><value><int>80</int></value></member><member><name>extra</name><value><struct><member><name>x</name><value>1</value></member></struct></value></member><member><name>path</name><value><nil/></value></member><member><name>tls_enabled</name><value><boolean>1</boolean></value></member></struct></value>
    <value><struct><member><name>system_id</name><value><int>8</int></value></member><member><name>port</name><value><string></string></value></member><member><name>module</name><value/></member></struct></value>
  </data></array></value>`)]] },
  { name: "bad int fails the refresh", systems: one, wantTargets: 0, raw: [[ENDPOINTS, response(`<value><array><data><value><struct><member><name>port</name><value><int> 80</int></value></member></struct></value></data></array></value>`)]] },
  { name: "string where an int is expected fails the refresh", systems: one, wantTargets: 0, raw: [[ENDPOINTS, response(`<value><array><data><value><struct><member><name>port</name><value><string>80</string></value></member></struct></value></data></array></value>`)]] },
  { name: "double fails the refresh", systems: one, wantTargets: 0, raw: [[ENDPOINTS, response(`<value><array><data><value><struct><member><name>port</name><value><double>1.5</double></value></member></struct></value></data></array></value>`)]] },
  { name: "struct instead of array fails the refresh", systems: one, wantTargets: 0, raw: [[GROUPS, response(`<value><struct></struct></value>`)]] },
  { name: "a fault on listEndpoints fails the refresh", systems: one, wantTargets: 0, raw: [[ENDPOINTS, rpcFault(-210, "no such method")]] },
  { name: "wrong password: login fault", systems: one, block: "password: wrong", wantTargets: 0 },
  { name: "no value at all", systems: one, wantTargets: 0, raw: [[GROUPS, `<?xml version="1.0"?><methodResponse><params></params></methodResponse>`]] },
  { name: "garbage after the first value is never read", systems: one, wantTargets: 1, raw: [[GROUPS, response(`<value><array><data><value><struct><member><name>id</name><value><int>7</int></value></member></struct></value></data></array></value></param><param><value><broken`)]] },
  { name: "500", systems: one, answer: { status: 500, body: "" }, wantTargets: 0 },
  { name: "truncated", systems: one, answer: { status: 200, body: response("<value><string>token</string></value>"), truncateAfterBytes: 30 }, wantTargets: 0 },
];

test("uyuni (oracle): promtool 2.42 and promsd sd print the same targets and make the same calls for every fake Uyuni state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const uyuni = await startFakeUyuni({ systems: c.systems ?? [] });
    try {
      for (const [method, xml] of c.raw ?? []) uyuni.setRawAnswer(method, xml);
      if (c.answer) uyuni.script.always(c.answer);
      const dir = await tempDir(t);
      await writeOneJobConfig(dir, "uyuni_sd_configs", c.block?.includes("password") === true ? `server: '${uyuni.url}'\nusername: admin\n${c.block}` : `server: '${uyuni.url}'\nusername: admin\npassword: secret${c.block ? `\n${c.block}` : ""}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
      assert.equal(want.length, c.wantTargets, `${c.name}: ${want.join("\n")}`);
      compared += want.length;
      const byClient = (promsd: boolean) => uyuni.calls.filter((call) => String(call.headers["user-agent"]).startsWith("promsd") === promsd);
      const methods = (promsd: boolean) => byClient(promsd).map((call) => call.method);
      assert.deepEqual(methods(true), methods(false), `${c.name}: the same calls in the same order`);
      assert.ok(methods(false).length >= 1, `${c.name}: promtool called`);
      assert.deepEqual(byClient(true).filter((call) => call.method === "auth.login").map((call) => call.rawBody), byClient(false).filter((call) => call.method === "auth.login").map((call) => call.rawBody), "login bodies byte for byte");
      for (const call of uyuni.calls) assert.equal(call.headers["content-type"], "text/xml");
    } finally {
      await uyuni.close();
    }
  })));
  assert.ok(compared >= 8, `only ${compared} targets compared`);
});
