import assert from "node:assert/strict";
import { test } from "node:test";
import { formatMebibytes, formatRatio, formatSeconds, markdownTable } from "./markdown-table.js";

test("markdownTable: pads columns and marks right alignment when asked", () => {
  const table = markdownTable(
    [{ title: "tool" }, { title: "cpu", align: "right" }],
    [["promtool", "1.5 s"], ["promsd", "12.25 s"]],
  );
  assert.equal(
    table,
    "| tool     |     cpu |\n" +
      "| -------- | ------: |\n" +
      "| promtool |   1.5 s |\n" +
      "| promsd   | 12.25 s |\n",
  );
});

test("markdownTable: escapes pipes and newlines when a cell contains them", () => {
  const table = markdownTable([{ title: "a" }], [["x|y\nz"]]);
  assert.equal(table.split("\n")[2], "| x\\|y z |");
});

test("markdownTable: throws when a row has the wrong number of cells", () => {
  assert.throws(() => markdownTable([{ title: "a" }, { title: "b" }], [["1"]]), /1 cells, table has 2/);
});

const formatCases: { name: string; got: string; want: string }[] = [
  { name: "seconds below 10 keep three decimals", got: formatSeconds(1.23456), want: "1.235 s" },
  { name: "seconds above 10 keep two decimals", got: formatSeconds(12.345), want: "12.35 s" },
  { name: "bytes print as MiB", got: formatMebibytes(3 * 1024 * 1024 + 512 * 1024), want: "3.5 MiB" },
  { name: "ratio is ours over theirs", got: formatRatio(1, 4), want: "0.25×" },
  { name: "ratio is n/a when theirs is zero", got: formatRatio(1, 0), want: "n/a" },
];
for (const c of formatCases) {
  test(`format: ${c.name}`, () => assert.equal(c.got, c.want));
}
