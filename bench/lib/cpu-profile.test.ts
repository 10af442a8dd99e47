import assert from "node:assert/strict";
import { test } from "node:test";
import { hotSpots, shortenUrl, type CpuProfile } from "./cpu-profile.js";

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 } },
    { id: 2, callFrame: { functionName: "relabel", url: "file:///repo/dist/relabel/relabel.js", lineNumber: 9 } },
    { id: 3, callFrame: { functionName: "", url: "file:///repo/dist/relabel/relabel.js", lineNumber: 40 } },
    { id: 4, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1 } },
    { id: 5, callFrame: { functionName: "match", url: "file:///repo/node_modules/re2js/build/index.esm.js", lineNumber: 0 } },
  ],
  samples: [2, 2, 3, 4, 5, 2],
  timeDeltas: [1000, 1000, 2000, 4000, 1000, 1000],
};

test("hotSpots: ranks functions by summed self time with 1-based lines", () => {
  const { functions, totalSeconds } = hotSpots(profile, { root: "/repo", limit: 2 });
  assert.equal(totalSeconds, 0.01);
  assert.deepEqual(functions, [
    { where: "(garbage collector)", selfSeconds: 0.004, share: 0.4 },
    { where: "relabel (dist/relabel/relabel.js:10)", selfSeconds: 0.003, share: 0.3 },
  ]);
});

test("hotSpots: groups self time by file when several functions share one", () => {
  const { files } = hotSpots(profile, { root: "/repo", limit: 10 });
  assert.deepEqual(files.map((f) => [f.where, f.selfSeconds]), [
    ["dist/relabel/relabel.js", 0.005],
    ["(garbage collector)", 0.004],
    ["node_modules/re2js/build/index.esm.js", 0.001],
  ]);
});

const urlCases: { url: string; want: string }[] = [
  { url: "", want: "(native)" },
  { url: "node:internal/fs/utils", want: "node:internal/fs/utils" },
  { url: "file:///repo/dist/cli/main.js", want: "dist/cli/main.js" },
  { url: "file:///repo/node_modules/yaml/dist/index.js", want: "node_modules/yaml/dist/index.js" },
];
for (const c of urlCases) {
  test(`shortenUrl: ${JSON.stringify(c.url)} becomes ${c.want}`, () => assert.equal(shortenUrl(c.url, "/repo"), c.want));
}
