import assert from "node:assert/strict";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { silentLogger } from "../../logging.js";
import { tempDir } from "../../testing/index.js";
import { activeTarget, FakeTargetsView } from "../fake-targets-view.js";
import { FileSdWriter, fileNameForJob } from "./file-sd-writer.js";

function target(address: string, job = "node") {
  return activeTarget({ __address__: address, __metrics_path__: "/metrics", __scheme__: "http", instance: address, job });
}

async function setup(t: { after(fn: () => unknown): void }) {
  const dir = join(await tempDir(t), "out");
  const view = new FakeTargetsView(["node", "web/../x", "later"]);
  view.setJob("node", { active: [target("a:1")] });
  view.setJob("web/../x", { active: [target("w:1", "web/../x")] });
  const stop = new AbortController();
  t.after(() => stop.abort());
  const writer = new FileSdWriter({ dir, targets: view, logger: silentLogger });
  await writer.start(stop.signal);
  return { dir, view, writer };
}

test("file-sd: writes one final-view JSON file per built job, with safe names", async (t) => {
  const { dir } = await setup(t);
  assert.deepEqual((await readdir(dir)).sort(), ["node.json", "web%2F..%2Fx.json"]);
  assert.deepEqual(JSON.parse(await readFile(join(dir, "node.json"), "utf8")), [
    { targets: ["a:1"], labels: { __metrics_path__: "/metrics", __scheme__: "http", instance: "a:1", job: "node" } },
  ]);
});

test("file-sd: rewrites only files whose content changed, atomically", async (t) => {
  const { dir, view, writer } = await setup(t);
  const before = await stat(join(dir, "web%2F..%2Fx.json"));
  const nodeBefore = await stat(join(dir, "node.json"));
  view.setJob("node", { active: [target("a:1")] }); // same content
  view.setJob("web/../x", { active: [target("w:2", "web/../x")] });
  await writer.flush();
  assert.equal((await stat(join(dir, "node.json"))).ino, nodeBefore.ino, "unchanged file not replaced");
  const after = await stat(join(dir, "web%2F..%2Fx.json"));
  assert.notEqual(after.ino, before.ino, "changed file replaced by rename");
  assert.match(await readFile(join(dir, "web%2F..%2Fx.json"), "utf8"), /"w:2"/);
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith(".tmp")), []);
});

test("file-sd: an empty job gets [] and a job that leaves the config loses its file", async (t) => {
  const { dir, view, writer } = await setup(t);
  view.setJob("node", { active: [] });
  await writer.flush();
  assert.equal(await readFile(join(dir, "node.json"), "utf8"), "[]\n");
  view.removeJob("node");
  await writer.flush();
  assert.deepEqual(await readdir(dir), ["web%2F..%2Fx.json"]);
});

test("file-sd: leaves a file from a previous run alone until its job is built", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "later.json"), "[previous]\n");
  const view = new FakeTargetsView(["later"]);
  const stop = new AbortController();
  t.after(() => stop.abort());
  const writer = new FileSdWriter({ dir, targets: view, logger: silentLogger });
  await writer.start(stop.signal);
  assert.equal(await readFile(join(dir, "later.json"), "utf8"), "[previous]\n");
  view.setJob("later", { active: [target("l:1", "later")] });
  await writer.flush();
  assert.match(await readFile(join(dir, "later.json"), "utf8"), /"l:1"/);
});

const names: [string, string][] = [["node", "node.json"], ["a b", "a%20b.json"], ["x/y", "x%2Fy.json"], ["..", "...json"], ["it's(*)~!", "it%27s%28%2A%29%7E%21.json"], ["é", "%C3%A9.json"]];
for (const [job, file] of names) {
  test(`file-sd: job ${JSON.stringify(job)} is written to ${file}`, () => assert.equal(fileNameForJob(job), file));
}

test("file-sd: a job built but not delivered by each of its providers gets no file until it is", async (t) => {
  const { dir, view, writer } = await setup(t);
  view.setWaiting("later", ["consul/0"]);
  view.setJob("later", { active: [] }); // built empty after the initial-set timeout, consul still down
  await writer.flush();
  assert.deepEqual((await readdir(dir)).sort(), ["node.json", "web%2F..%2Fx.json"], "no empty later.json");
  view.setWaiting("later", undefined);
  await writer.flush();
  assert.equal(await readFile(join(dir, "later.json"), "utf8"), "[]\n");
});
