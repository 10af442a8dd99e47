import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../errors.js";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { parseWebConfigText } from "./config.js";

const dir = join(import.meta.dirname, "fixtures", "exporter-toolkit");
const seeds = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(join(dir, f), "utf8"));

test("fuzz web.yml: parsing returns a config or throws a ConfigError, never anything else", (t) => {
  const yamlish = fc.oneof(mutatedText(seeds, fc.constantFrom(":", " ", "\n", "- ", "[", "{", "&a", "*a", "!!binary", '"', "TLS13", "$2y$")), fc.string({ maxLength: 300 }));
  runFuzz(t, "web.yml", yamlish, (text) => void parsesOrThrowsTyped((s: string) => parseWebConfigText(s, "web.yml", "/tmp"), text, [ConfigError]));
});
