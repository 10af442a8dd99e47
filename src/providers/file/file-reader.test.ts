import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFile } from "./file-reader.js";

// go-yaml's texts (taken from promtool 2.42 check config), as Prometheus logs them for a broken file_sd file (promtool check config prints the same
// after `checking SD file "<pattern>": `): one `line N:`, never a second one added by promsd.
const cases: [name: string, text: string, message: string][] = [
  ["an unclosed flow sequence", "- targets: [a\n", "yaml: line 1: did not find expected ',' or ']'"],
  ["a bad indentation", "- targets: [a]\n labels: {}\n", "yaml: line 1: did not find expected '-' indicator"],
];

for (const [name, text, message] of cases) {
  test(`file reader: ${name} gives go-yaml's text with one line number`, () => {
    assert.throws(() => decodeFile("t.yml", Buffer.from(text), "utf8"), (error: unknown) => error instanceof Error && error.message === message);
  });
}
