/**
 * Differential test against promtool 2.42 (prometheus-oracle.md): promtool and `promsd sd --profile=v2.42`
 * query the same fake PuppetDB on 127.0.0.1, which replays answers recorded from a real PuppetDB 7.12.1
 * (Debian's `puppetdb` on PostgreSQL 15, catalogs seeded through its command API: fixtures/
 * recorded-answers.json) and Prometheus's own vhosts fixture, plus broken answers. A real PuppetDB is not
 * started here: it needed 90–110 s to boot on this 2-core machine (Clojure loading before Jetty even
 * starts), well beyond the suite's budget; promsd was compared with promtool on it by hand while recording.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { assertSameSdEntries, createLimiter, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakePuppetDb, type PuppetDbAnswer } from "./fake-puppetdb-server.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const recorded = JSON.parse(readFileSync(join(FIXTURES, "recorded-answers.json"), "utf8")) as { answers: Record<string, PuppetDbAnswer & { query: string }> }; // our own fixture file
const VHOSTS: PuppetDbAnswer = { status: 200, contentType: "application/json", body: readFileSync(join(FIXTURES, "vhosts.json"), "utf8") };

test("puppetdb (oracle): promtool 2.42 and promsd sd print the same targets for recorded PuppetDB answers, Prometheus's fixture and faults", async (t) => {
  const answers = new Map<string, PuppetDbAnswer>(Object.values(recorded.answers).map((answer) => [answer.query, answer]));
  answers.set("vhosts", VHOSTS);
  answers.set("truncated", { ...VHOSTS, truncateAfterBytes: 40 });
  answers.set("html", { status: 200, contentType: "text/html", body: "<html></html>" });
  answers.set("charset", { ...VHOSTS, contentType: 'application/json; charset="utf-8"' });
  answers.set("bad type", { status: 200, contentType: "application/json", body: '[{"certname": "a", "exported": "yes"}]' });
  const fake = await startFakePuppetDb(answers);
  t.after(() => fake.close());
  const cases: { query: string; extra: string; minTargets: number }[] = [
    ...Object.values(recorded.answers).map((answer) => ({ query: answer.query, extra: "include_parameters: true", minTargets: 0 })),
    { query: recorded.answers.vhosts?.query ?? "", extra: "port: 9100", minTargets: 2 },
    { query: "vhosts", extra: "include_parameters: true\nport: -1", minTargets: 1 },
    { query: "charset", extra: "", minTargets: 1 },
    { query: "truncated", extra: "", minTargets: 0 },
    { query: "html", extra: "", minTargets: 0 },
    { query: "bad type", extra: "", minTargets: 0 },
  ];
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(cases.map((c) => limit(async () => {
    const dir = await tempDir(t);
    await writeOneJobConfig(dir, "puppetdb_sd_configs", `url: ${fake.url}/\nquery: ${JSON.stringify(c.query)}\n${c.extra}`.trimEnd());
    const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), `${c.query} ${c.extra}`);
    assert.ok(want.length >= c.minTargets, `${c.query}: ${want.length} targets`);
    compared += want.length;
  })));
  assert.ok(compared >= 10, `only ${compared} targets compared`);
  for (const request of fake.requests) {
    assert.equal(request.method, "POST");
    assert.equal(request.url, "/pdb/query/v4");
    assert.equal(request.headers["content-type"], "application/json");
  }
});
