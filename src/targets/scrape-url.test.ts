import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabelSet } from "../model/labels.js";
import { encodeQuery, queryEscape, scrapeUrl } from "./scrape-url.js";

const base: LabelSet = { __scheme__: "http", __address__: "h:1", __metrics_path__: "/metrics" };
const noParams: ReadonlyMap<string, readonly string[]> = new Map();

interface UrlCase {
  readonly name: string;
  readonly labels: LabelSet;
  readonly params?: ReadonlyMap<string, readonly string[]>;
  readonly want: string;
}

// core.md 4.4 table, plus Go URL.String() corner cases.
const cases: UrlCase[] = [
  { name: "plain host:port", labels: { ...base, __address__: "10.0.0.1:9100" }, want: "http://10.0.0.1:9100/metrics" },
  { name: "port-less address is left alone", labels: { ...base, __address__: "host-b" }, want: "http://host-b/metrics" },
  { name: "path without leading slash gets one", labels: { ...base, __metrics_path__: "metrics" }, want: "http://h:1/metrics" },
  { name: "removed path renders no slash", labels: { __scheme__: "http", __address__: "h:1" }, want: "http://h:1" },
  { name: "question mark in path is escaped", labels: { ...base, __metrics_path__: "/probe?x=1" }, want: "http://h:1/probe%3Fx=1" },
  { name: "space in path is %20", labels: { ...base, __metrics_path__: "/a b" }, want: "http://h:1/a%20b" },
  { name: "path keeps reserved characters except ?", labels: { ...base, __metrics_path__: "/a:b@c;d,e=f&g+h$" }, want: "http://h:1/a:b@c;d,e=f&g+h$" },
  { name: "path escapes * ! ' ( ) and non-ASCII", labels: { ...base, __metrics_path__: "/*!'()é" }, want: "http://h:1/%2A%21%27%28%29%C3%A9" },
  { name: "path that is only * stays *", labels: { ...base, __metrics_path__: "*" }, want: "http://h:1/*" },
  { name: "removed scheme", labels: { __address__: "h:1", __metrics_path__: "/metrics" }, want: "//h:1/metrics" },
  { name: "host escapes space and non-ASCII, keeps sub-delims", labels: { ...base, __address__: "a b!$&'()*+,;=:[]<>\"é" }, want: "http://a%20b!$&'()*+,;=:[]<>\"%C3%A9/metrics" },
  { name: "upper-case host kept (no WHATWG normalisation)", labels: { ...base, __address__: "HOST:80" }, want: "http://HOST:80/metrics" },
  {
    name: "blackbox target param",
    labels: { __scheme__: "http", __address__: "127.0.0.1:9115", __metrics_path__: "/probe", __param_target: "https://example.com" },
    params: new Map([["module", ["http_2xx"]]]),
    want: "http://127.0.0.1:9115/probe?module=http_2xx&target=https%3A%2F%2Fexample.com",
  },
  {
    name: "discovered param replaces the first configured value only",
    labels: { ...base, __address__: "p:1", __param_module: "c" },
    params: new Map([["module", ["a", "b"]]]),
    want: "http://p:1/metrics?module=c&module=b",
  },
  { name: "query escaping", labels: { ...base, __param_q: "a b/c~*" }, want: "http://h:1/metrics?q=a+b%2Fc~%2A" },
  {
    name: "keys sorted by bytes, all values kept, empty-list key omitted",
    labels: base,
    params: new Map<string, readonly string[]>([["z", ["1", "2"]], ["a", ["x"]], ["B", ["y"]], ["empty", []]]),
    want: "http://h:1/metrics?B=y&a=x&z=1&z=2",
  },
  { name: "param key is escaped too", labels: { ...base, "__param_a b": "&" }, want: "http://h:1/metrics?a+b=%26" },
];

for (const c of cases) {
  test(`scrapeUrl: ${c.name}`, () => {
    assert.equal(scrapeUrl(c.labels, c.params ?? noParams), c.want);
  });
}

test("scrapeUrl: configured params are not mutated by __param_ labels", () => {
  const params = new Map([["module", ["a", "b"]]]);
  scrapeUrl({ ...base, __param_module: "c" }, params);
  assert.deepEqual(params.get("module"), ["a", "b"]);
  assert.equal(scrapeUrl(base, params), "http://h:1/metrics?module=a&module=b");
});

test("queryEscape: only A-Z a-z 0-9 - _ . ~ unescaped, space is +", () => {
  assert.equal(queryEscape("AZaz09-_.~"), "AZaz09-_.~");
  assert.equal(queryEscape(" !'()*"), "+%21%27%28%29%2A");
  assert.equal(queryEscape("ü€"), "%C3%BC%E2%82%AC");
  assert.equal(encodeQuery(new Map()), "");
});
