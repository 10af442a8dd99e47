import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../testing/index.js";
import { GlobPatternError, goGlob, goMatch } from "./glob.js";

// Go's filepath.Match table (path/filepath match_test.go) plus the file.md 2 rules.
const matches: [pattern: string, name: string, want: boolean | "error"][] = [
  ["abc", "abc", true], ["*", "abc", true], ["*c", "abc", true], ["a*", "a", true], ["a*", "abc", true],
  ["a*", "ab/c", false], ["a*/b", "abc/b", true], ["a*/b", "a/c/b", false], ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true], ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false], ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false],
  ["a*b?c*x", "abxbbxdbxebxczzx", true], ["a*b?c*x", "abxbbxdbxebxczzy", false], ["ab[c]", "abc", true], ["ab[b-d]", "abc", true],
  ["ab[e-g]", "abc", false], ["ab[^c]", "abc", false], ["ab[^b-d]", "abc", false], ["ab[^e-g]", "abc", true], ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false], ["a?b", "a☺b", true], ["a[^a]b", "a☺b", true], ["a???b", "a☺b", false], ["a[^a][^a][^a]b", "a☺b", false],
  ["[a-ζ]*", "α", true], ["*[a-ζ]", "A", false], ["a?b", "a/b", false], ["a*b", "a/b", false], ["[\\]a]", "]", true],
  ["[\\-]", "-", true], ["[x\\-]", "x", true], ["[x\\-]", "-", true], ["[x\\-]", "z", false], ["[\\-x]", "x", true],
  ["[\\-x]", "-", true], ["[\\-x]", "a", false], ["[]a]", "]", "error"], ["[-]", "-", "error"], ["[x-]", "x", "error"],
  ["[x-]", "-", "error"], ["[x-]", "z", "error"], ["[-x]", "x", "error"], ["[-x]", "-", "error"], ["[-x]", "a", "error"],
  ["\\", "a", "error"], ["[a-b-c]", "a", "error"], ["[", "a", "error"], ["[^", "a", "error"], ["[^bc", "a", "error"],
  ["a[", "a", "error"], ["a[", "ab", "error"], ["a[", "x", "error"], ["a/b[", "x", "error"], ["*x", "xxx", true],
  ["*", ".hidden.json", true], ["*.json", ".json", true],
];
for (const [pattern, name, want] of matches) {
  test(`glob: Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)}) is ${want}`, () => {
    if (want === "error") assert.throws(() => goMatch(pattern, name), GlobPatternError);
    else assert.equal(goMatch(pattern, name), want);
  });
}

test("glob: expands like filepath.Glob (hidden files, byte order, cleaning, literal lstat, meta in directories)", async (t) => {
  const dir = await tempDir(t);
  for (const name of ["sd/a.json", "sd/.hidden.json", "sd/B.json", "sd/é.json", "sd/b.json", "d1r/x.json", "b/x.json"]) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), "[]");
  }
  await symlink("nowhere", join(dir, "sd/dangling.json"));
  await mkdir(join(dir, "sd/dir.json"));
  const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1));
  assert.deepEqual(rel(await goGlob(`${dir}/sd/*.json`)), ["sd/.hidden.json", "sd/B.json", "sd/a.json", "sd/b.json", "sd/dangling.json", "sd/dir.json", "sd/é.json"]);
  assert.deepEqual(rel(await goGlob(`${dir}/d?r/x.json`)), ["d1r/x.json"]);
  assert.deepEqual(rel(await goGlob(`${dir}/[ab]/x.json`)), ["b/x.json"]);
  assert.deepEqual(rel(await goGlob(`${dir}/sd/\\b.json`)), ["sd/b.json"], "a pattern with meta characters comes out cleaned");
  assert.deepEqual(await goGlob(`${dir}/sd/../sd/b.json`), [`${dir}/sd/../sd/b.json`], "a literal pattern comes out as written");
  assert.deepEqual(rel(await goGlob(`${dir}/sd/dangling.json`)), ["sd/dangling.json"], "lstat finds a dangling symlink");
  assert.deepEqual(await goGlob(`${dir}/missing.json`), []);
  assert.deepEqual(await goGlob(`${dir}/nodir/*.json`), []);
  await assert.rejects(goGlob(`${dir}/sd/[.json`), GlobPatternError);
});
