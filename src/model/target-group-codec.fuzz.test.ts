import assert from "node:assert/strict";
import { test } from "node:test";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../testing/fuzz.js";
import { decodeGroupsJson, encodeGroupsJson, GroupDecodeError } from "./target-group-codec.js";

const SEEDS = [
  '[{"targets":["127.0.0.1:9100","[::1]:80"],"labels":{"env":"prod","__meta_x":"a\\u003cb"}}]',
  '[{"targets":[],"labels":{}},{"targets":["a:1"]}]',
  "[]",
];

test("fuzz file_sd/http_sd JSON: decoding returns groups or throws a GroupDecodeError; output bounded by input", (t) => {
  const input = fc.oneof(mutatedText(SEEDS, fc.constantFrom('"', ",", ":", "{", "}", "[", "]", "\\u0000", "\\ud800", "null", "1e999", " ")), fc.json(), fc.string({ maxLength: 200 }));
  runFuzz(t, "target-group JSON", input, (text) => {
    const groups = parsesOrThrowsTyped((s: string) => decodeGroupsJson(s, "utf8"), text, [GroupDecodeError]);
    // Decoding never amplifies: what comes out is at most a few times what went in.
    if (groups) assert.ok(JSON.stringify(groups).length <= 6 * Buffer.byteLength(text) + 64);
  });
});

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
const group = fc.record({ targets: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), labels: fc.dictionary(labelName, fc.string({ maxLength: 20 }), { maxKeys: 4 }) });

/** Empty label values mean "absent" (core.md 1.5): decoding drops them. */
const withoutEmpty = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ""));

test("fuzz file_sd/http_sd JSON: encode then decode gives the groups back (empty label values dropped)", (t) => {
  runFuzz(t, "target-group JSON round trip", fc.tuple(fc.array(group, { maxLength: 4 }), fc.boolean()), ([groups, htmlEscape]) => {
    const decoded = decodeGroupsJson(encodeGroupsJson(groups, { htmlEscape }), "utf8");
    assert.deepEqual(decoded.map((g) => ({ targets: g.targets, labels: { ...g.labels } })), groups.map((g) => ({ targets: g.targets, labels: withoutEmpty(g.labels) })));
  });
});
