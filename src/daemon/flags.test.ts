import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_FLAGS, FlagError, parseDaemonFlags } from "./flags.js";

test("flags: defaults listen on 127.0.0.1:9800 with 5s throttles and the embedded config", () => {
  assert.deepEqual(parseDaemonFlags([]), DEFAULT_FLAGS);
  assert.equal(DEFAULT_FLAGS.listenAddress, "127.0.0.1:9800");
  assert.equal(DEFAULT_FLAGS.discoveryUpdateIntervalMs, 5000);
  assert.equal(DEFAULT_FLAGS.discoveryReloadIntervalMs, 5000);
});

const good: { name: string; argv: string[]; want: Partial<typeof DEFAULT_FLAGS> }[] = [
  { name: "name=value", argv: ["--config.file=p.yml"], want: { configFile: "p.yml" } },
  { name: "name value", argv: ["--config.file", "p.yml", "--web.listen-address", "[::1]:0"], want: { configFile: "p.yml", listenAddress: "[::1]:0" } },
  { name: "boolean", argv: ["--web.enable-lifecycle"], want: { enableLifecycle: true } },
  { name: "negated boolean", argv: ["--web.enable-lifecycle", "--no-web.enable-lifecycle"], want: { enableLifecycle: false } },
  { name: "boolean=false", argv: ["--web.enable-lifecycle=false"], want: { enableLifecycle: false } },
  { name: "durations", argv: ["--discovery.update-interval=0s", "--scrape.discovery-reload-interval=250ms"], want: { discoveryUpdateIntervalMs: 0, discoveryReloadIntervalMs: 250 } },
  { name: "log flags", argv: ["--log.level=debug", "--log.format=json"], want: { logLevel: "debug", logFormat: "json" } },
  { name: "output and profile", argv: ["--output.file-sd.dir=/tmp/x", "--profile=v2.42"], want: { fileSdDir: "/tmp/x", profile: "v2.42" } },
  { name: "all interfaces", argv: ["--web.listen-address=:9800"], want: { listenAddress: ":9800" } },
];
for (const c of good) {
  test(`flags: parses ${c.name}`, () => assert.deepEqual(parseDaemonFlags(c.argv), { ...DEFAULT_FLAGS, ...c.want }));
}

const bad: { argv: string[]; message: RegExp }[] = [
  { argv: ["--nope"], message: /unknown long flag '--nope'/ },
  { argv: ["--no-config.file"], message: /unknown long flag/ },
  { argv: ["--config.file"], message: /expected argument for flag '--config.file'/ },
  { argv: ["--log.level=trace"], message: /must be one of debug,info,warn,error/ },
  { argv: ["--log.format=text"], message: /logfmt,json/ },
  { argv: ["--discovery.update-interval=5"], message: /invalid value "5"/ },
  { argv: ["--web.listen-address=localhost"], message: /invalid listen address/ },
  { argv: ["--profile=v1"], message: /unknown profile/ },
  { argv: ["run"], message: /unexpected run/ },
];
for (const c of bad) {
  test(`flags: rejects ${c.argv.join(" ")}`, () => assert.throws(() => parseDaemonFlags(c.argv), (e: unknown) => e instanceof FlagError && c.message.test(e.message)));
}

test("flags: -h and --help ask for help", () => {
  assert.equal(parseDaemonFlags(["-h"]), "help");
  assert.equal(parseDaemonFlags(["--config.file=x", "--help"]), "help");
});
