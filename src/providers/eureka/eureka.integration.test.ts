/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` both poll the same fake Eureka on 127.0.0.1 and must print the same targets.
 * The corpus is Prometheus's own client_test.go document plus the corners of Go's XML decoding that decide
 * labels (raw inner XML of metadata, CDATA, entities, repeated fields, missing ports, odd roots) and broken
 * answers that must yield no targets (bad ints, undeclared entities, non-UTF-8 encodings, 500, truncation).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { generateTestCerts } from "../../http/test-support.js";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import type { ScriptedAnswer } from "../../testing/scripted-answer.js";
import { startFakeEureka, type FakeEurekaApplication } from "./fake-eureka-server.js";

const fixture = await readFile(join(import.meta.dirname, "fixtures", "prometheus-client-test-apps.xml"), "utf8");
const apps = (body: string): string => `<applications><versions__delta>1</versions__delta>${body}</applications>`;
const instance = (body: string): string => apps(`<application><name>APP</name><instance>${body}</instance></application>`);

const CORPUS: { name: string; document?: string; applications?: FakeEurekaApplication[]; answer?: ScriptedAnswer; wantTargets?: number }[] = [
  { name: "Prometheus's client_test.go document", document: fixture, wantTargets: 4 },
  { name: "rendered applications with metadata and datacenter metadata", wantTargets: 3, applications: [
    { name: "WEB", instances: [
      { instanceId: "web-1", hostName: "10.0.0.1", port: { port: 8080 }, securePort: { port: 8443, enabled: false }, metadata: { "prometheus.scrape": "true", "x-y": "a &amp; b", nested: "<a>1</a><b/>" }, dataCenterInfo: { name: "Amazon", metadata: { "instance-id": "i-1", "availability-zone": "eu-1a" } } },
      { instanceId: "web-2", hostName: "::1", port: { port: 9, enabled: "false" }, vipAddress: "web", secureVipAddress: "web-s" },
    ] },
    { name: "NOPORT", instances: [{ instanceId: "np", hostName: "h", homePageUrl: "http://h/", statusPageUrl: "http://h/info", healthCheckUrl: "http://h/health", countryId: "-3" }] },
  ] },
  { name: "empty list", document: `<applications>\n<versions__delta>1</versions__delta>\n<apps__hashcode/>\n</applications>`, wantTargets: 0 },
  { name: "CDATA, entities, char refs, CR LF and nested text", wantTargets: 1, document: instance(`<instanceId>i&#x31;</instanceId><hostName><![CDATA[ho]]>st<x>ignored</x>&amp;1</hostName><status>A\r\nB</status><metadata><m><![CDATA[<raw>]]>&lt;&#65;</m><e/><w>\r\n  x  </w></metadata><port enabled=" true ">  81 </port>`) },
  { name: "repeated fields: last wins, metadata appends, port attribute kept", wantTargets: 1, document: instance(`<instanceId>a</instanceId><instanceId>b</instanceId><hostName>h</hostName><port enabled="true">1</port><port>2</port><metadata><k>1</k></metadata><metadata><k>2</k><j>3</j></metadata>`) },
  { name: "any root name, prefixes, declaration, comments, doctype, trailing junk", wantTargets: 2, document: `\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE x [<!ENTITY e "boom">]><!-- c --><ns:root xmlns:ns="urn:x"><ns:application><name>P</name><ns:instance><ns:hostName>h</ns:hostName><metadata><ns:tag>v</ns:tag></metadata></ns:instance><instance><hostName>h2</hostName><countryId></countryId></instance></ns:application></ns:root>garbage <unclosed` },
  { name: "empty values: port 0, empty host", wantTargets: 1, document: instance(`<hostName></hostName><port enabled=""></port>`) },
  { name: "whitespace-only port fails the refresh", wantTargets: 0, document: instance(`<hostName>h</hostName><port>   </port>`) },
  { name: "zero-padded and signed numbers", wantTargets: 1, document: instance(`<hostName>h</hostName><port>+0080</port><securePort enabled="1">-1</securePort><countryId>007</countryId>`) },
  { name: "bad countryId fails the refresh", document: instance(`<hostName>h</hostName><countryId>one</countryId>`), wantTargets: 0 },
  { name: "bad isCoordinatingDiscoveryServer fails the refresh", document: instance(`<hostName>h</hostName><isCoordinatingDiscoveryServer>yes</isCoordinatingDiscoveryServer>`), wantTargets: 0 },
  { name: "bad versions__delta fails the refresh", document: `<applications><versions__delta>x</versions__delta></applications>`, wantTargets: 0 },
  { name: "bad enabled attribute fails the refresh", document: instance(`<hostName>h</hostName><port enabled="maybe">1</port>`), wantTargets: 0 },
  { name: "undeclared entity fails the refresh", document: instance(`<hostName>&e;</hostName>`), wantTargets: 0 },
  { name: "ISO-8859-1 declaration fails the refresh", document: `<?xml version="1.0" encoding="ISO-8859-1"?>${instance("<hostName>h</hostName>")}`, wantTargets: 0 },
  { name: "mismatched end tag fails the refresh", document: instance(`<hostName>h</hostname>`), wantTargets: 0 },
  { name: "empty body fails the refresh", document: "", wantTargets: 0 },
  { name: "JSON instead of XML fails the refresh", document: '{"applications": {}}', wantTargets: 0 },
  { name: "500", answer: { status: 500, body: "" }, wantTargets: 0 },
  { name: "truncated body", answer: { status: 200, body: fixture, truncateAfterBytes: 900 }, wantTargets: 0 },
];

test("eureka (oracle): promtool 2.42 and promsd sd print the same targets for every fake Eureka state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const eureka = await startFakeEureka({ applications: c.applications ?? [] });
    try {
      if (c.document !== undefined) eureka.setDocument(c.document);
      if (c.answer) eureka.script.always(c.answer);
      const dir = await tempDir(t);
      await writeOneJobConfig(dir, "eureka_sd_configs", `server: '${eureka.url}'`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
      if (c.wantTargets !== undefined) assert.equal(want.length, c.wantTargets, `${c.name}: ${want.join("\n")}`);
      compared += want.length;
      assert.ok(eureka.requests.length >= 2, `${c.name}: both programs asked`);
      for (const request of eureka.requests) {
        assert.equal(request.url, "/eureka/apps");
        assert.equal(request.headers.accept, undefined, "no Accept header: Eureka answers XML");
      }
    } finally {
      await eureka.close();
    }
  })));
  assert.ok(compared >= 12, `only ${compared} targets compared: the corpus is not exercising anything`);
});

test("eureka (oracle): HTTPS with a private CA and basic auth, as promtool 2.42 does it", async (t) => {
  const dir = await tempDir(t);
  const certs = generateTestCerts(dir);
  const eureka = await startFakeEureka({ applications: [{ name: "TLS", instances: [{ instanceId: "t", hostName: "h", port: { port: 443 } }] }], tls: { cert: certs.serverCert, key: certs.serverKey } });
  t.after(() => eureka.close());
  await writeOneJobConfig(dir, "eureka_sd_configs", `server: '${eureka.url}'\nbasic_auth: {username: u, password: pw}\ntls_config: {ca_file: ${certs.caFile}}`);
  const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }));
  assert.equal(want.length, 1);
  for (const request of eureka.requests) assert.equal(request.headers.authorization, `Basic ${Buffer.from("u:pw").toString("base64")}`);
});
