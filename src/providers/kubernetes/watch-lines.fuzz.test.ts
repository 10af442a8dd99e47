import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { decodeEndpoints, decodeEndpointSlice, decodeIngress, decodeNode, decodePod, decodeService } from "./objects.js";

const DECODERS = { Pod: decodePod, Node: decodeNode, Service: decodeService, Endpoints: decodeEndpoints, EndpointSlice: decodeEndpointSlice, Ingress: decodeIngress } as const;
type Kind = keyof typeof DECODERS;

// Watch lines built from the fixtures' objects: {"type":"ADDED","object":{…}}.
const dir = join(import.meta.dirname, "fixtures");
const objects = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .flatMap((f) => ((JSON.parse(readFileSync(join(dir, f), "utf8")) as { objects?: { kind?: string }[] }).objects ?? []))
  .filter((o): o is { kind: Kind } => typeof o.kind === "string" && o.kind in DECODERS);
const SEEDS = objects.slice(0, 40).map((o) => JSON.stringify({ type: "ADDED", object: o }));

/** What the watch does with one line (list-watch.ts #handleLine): JSON.parse, then the kind's decoder. */
function decodeWatchLine([kind, line]: [Kind, string]): unknown {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return "malformed"; // the watch logs it and re-opens
  }
  const object = typeof event === "object" && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>)["object"] : undefined;
  if (typeof object !== "object" || object === null || Array.isArray(object)) return "malformed";
  return DECODERS[kind](object);
}

test("fuzz Kubernetes watch lines: every object decoder takes any JSON object without throwing", (t) => {
  const line = fc.oneof(mutatedText(SEEDS, fc.constantFrom('"', ",", ":", "{", "}", "[", "]", "null", "-1", "1e400", '""', "true")), fc.json().map((j) => `{"type":"MODIFIED","object":${j}}`));
  const input = fc.tuple(fc.constantFrom(...(Object.keys(DECODERS) as Kind[])), line);
  runFuzz(t, "kubernetes watch line", input, (value) => void parsesOrThrowsTyped(decodeWatchLine, value, []));
});
