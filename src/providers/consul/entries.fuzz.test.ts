import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { ConsulDecodeError, decodeCatalogServices, decodeHealthEntries, entryToTarget } from "./entries.js";

// Health bodies from the fixtures' fake Consul services (arrays of service entries).
const dir = join(import.meta.dirname, "fixtures");
const SEEDS = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => Object.values((JSON.parse(readFileSync(join(dir, f), "utf8")) as { fake?: { services?: Record<string, unknown> } }).fake?.services ?? {}))
  .map((entries) => JSON.stringify(entries));

test("fuzz Consul bodies: health entries and catalog services decode or throw ConsulDecodeError", (t) => {
  const body = fc.oneof(mutatedText([...SEEDS, '{"web":["a","b"],"db":[]}'], fc.constantFrom('"', ",", ":", "{", "}", "[", "]", "null", "1e400", "\\u0000", " ")), fc.json());
  runFuzz(t, "consul body", body, (text) => {
    const entries = parsesOrThrowsTyped((s: string) => decodeHealthEntries(s, () => {}), text, [ConsulDecodeError]);
    for (const entry of entries ?? []) parsesOrThrowsTyped(() => entryToTarget(entry, ","), undefined, []);
    parsesOrThrowsTyped(decodeCatalogServices, text, [ConsulDecodeError]);
  });
});
