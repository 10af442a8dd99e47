import assert from "node:assert/strict";
import { test } from "node:test";
import { compileRelabelRegex } from "./regex-engine.js";
import { expandTemplate, parseTemplate } from "./template.js";

// Spec core.md 3.3: regex `(?P<host>[^:]+):(?P<port>\d+)` on `web-1:8080`.
const table: [string, string][] = [
  ["$1", "web-1"], ["${1}_svc", "web-1_svc"], ["$1_svc", ""], ["$port-${host}", "8080-web-1"], ["${0}!", "web-1:8080!"],
  ["cost$$1", "cost$1"], ["$", "$"], ["${1", "${1"], ["$01", ""], ["$3", ""],
  // Beyond the table: the rest of the grammar.
  ["$2", "8080"], ["${port}", "8080"], ["$host:$port", "web-1:8080"], ["$$$1", "$web-1"], ["a$", "a$"], ["${}", "${}"],
  ["$-", "$-"], ["${host", "${host"], ["$0", "web-1:8080"], ["$10", ""], ["$hostx", ""], ["${ho st}", "${ho st}"],
  ["plain", "plain"], ["", ""], ["$1$2", "web-18080"], ["$é", ""], ["$1234567890", ""], ["$000000001", ""],
];
const regex = compileRelabelRegex("(?P<host>[^:]+):(?P<port>\\d+)", "v3");
const groups = regex.match("web-1:8080");

for (const [template, want] of table) {
  test(`template: ${JSON.stringify(template)} expands to ${JSON.stringify(want)}`, () => {
    assert.ok(groups);
    assert.equal(expandTemplate(parseTemplate(template), groups, regex.namedGroups), want);
  });
}

test("template: a group that did not take part in the match expands to empty", () => {
  const optional = compileRelabelRegex("(a)|(b)", "v3");
  const m = optional.match("b");
  assert.ok(m);
  assert.equal(expandTemplate(parseTemplate("[$1][$2]"), m, optional.namedGroups), "[][b]");
});

test("template: names take the longest run of Unicode letters, digits and _", () => {
  assert.deepEqual(parseTemplate("$1_svc.x"), [{ name: "1_svc" }, ".x"]);
  assert.deepEqual(parseTemplate("${10}x$9"), [{ group: 10 }, "x", { group: 9 }]);
  assert.deepEqual(parseTemplate("$ñame!"), [{ name: "ñame" }, "!"]);
});

test("template: nine digits are a group number, ten are a name", () => {
  assert.deepEqual(parseTemplate("$123456789"), [{ group: 123456789 }]);
  assert.deepEqual(parseTemplate("$1234567890"), [{ name: "1234567890" }]);
});
