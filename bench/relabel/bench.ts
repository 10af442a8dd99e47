/**
 * Relabel engine benchmark: 100k Kubernetes-style label sets × 15 rules (workload.ts), run through
 * promsd's relabel() with each candidate regex engine behind the same RelabelRegex interface.
 *
 *   node --import tsx bench/relabel/bench.ts [--count=100000] [--rounds=3]
 *   RE2_MODULE=/path/to/node_modules/re2 node --import tsx bench/relabel/bench.ts   # also measure `re2`
 *
 * Engines: `re2js` (pure JS, what promsd ships), `re2` (native C++ RE2 bindings, only when RE2_MODULE
 * points at an installed copy; it is not a promsd dependency), and JS `RegExp` as a reference only (it is
 * not an option: backtracking, no `(?P<n>)` or inline flag groups on Node 20, Unicode `\s`).
 * Results and the choice are recorded in RESULTS.md.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ConfigLocation } from "../../src/yaml/location.js";
import { parseYaml } from "../../src/yaml/yaml-node.js";
import type { LabelSet } from "../../src/model/labels.js";
import { CompiledRelabelRule } from "../../src/relabel/compile.js";
import { parseRelabelConfigs } from "../../src/relabel/config.js";
import { anchorRegex, compileRelabelRegex, withShortcuts, type RelabelRegex } from "../../src/relabel/regex-engine.js";
import { relabel } from "../../src/relabel/relabel.js";
import type { CompiledRule, RelabelOptions } from "../../src/relabel/types.js";
import { KUBERNETES_POD_RULES_YAML, kubernetesPodLabelSets } from "./workload.js";

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=") as [string, string]));
const count = Number(args.get("count") ?? 100_000);
const rounds = Number(args.get("rounds") ?? 3);
const options: RelabelOptions = { profile: "v3", scheme: "utf8" };

/** The subset of the `re2` package's RE2 class used here. */
interface NativeRe2 {
  test(input: string): boolean;
  exec(input: string): (string | undefined)[] | null;
}
type NativeRe2Constructor = new (pattern: string) => NativeRe2;

function loadNativeRe2(): NativeRe2Constructor | undefined {
  const path = process.env["RE2_MODULE"];
  if (!path) return undefined;
  return createRequire(import.meta.url)(path) as NativeRe2Constructor; // a CommonJS addon, typed above
}

type EngineFactory = (expr: string) => RelabelRegex;

function nativeEngine(RE2: NativeRe2Constructor): EngineFactory {
  return (expr) => {
    const reference = compileRelabelRegex(expr, options.profile); // same numbering and named groups
    const re = new RE2(anchorRegex(expr, options.profile));
    return {
      source: expr, groupCount: reference.groupCount, namedGroups: reference.namedGroups,
      test: (input) => re.test(input),
      match: (input) => re.exec(input) ?? undefined,
    };
  };
}

/** JS RegExp, for reference: `(?s:` becomes the `s` flag, `(?P<` becomes `(?<`. Not Go semantics. */
const jsRegExpEngine: EngineFactory = (expr) => {
  const reference = compileRelabelRegex(expr, options.profile);
  const re = new RegExp(`^(?:${expr.replaceAll("(?P<", "(?<")})$`, "s");
  return {
    source: expr, groupCount: reference.groupCount, namedGroups: reference.namedGroups,
    test: (input) => re.test(input),
    match: (input) => re.exec(input) ?? undefined,
  };
};

/** re2js without shortcuts: the shipped regex's engine part. */
function rawRe2js(expr: string): RelabelRegex {
  return compileRelabelRegex(expr, options.profile, { shortcuts: false });
}

function compileRules(engine: EngineFactory | undefined): CompiledRule[] {
  const root = parseYaml(KUBERNETES_POD_RULES_YAML, "bench.yml");
  if (root.kind !== "seq") throw new Error("rules must be a list");
  const at = new ConfigLocation("bench.yml", 0, "relabel_configs");
  const rules = parseRelabelConfigs(root.items.map((value, i) => ({ value, at: at.index(i) })), options, "target");
  if (engine === undefined) return rules;
  return rules.map((rule) => new CompiledRelabelRule(rule.config, options, engine(rule.config.regex ?? "(.*)")));
}

function run(name: string, rules: readonly CompiledRule[], inputs: readonly LabelSet[]): { name: string; bestMs: number; kept: number } {
  let bestMs = Infinity;
  let kept = 0;
  for (let round = 0; round < rounds; round++) {
    kept = 0;
    // CPU time of this process, not wall time: the machine is shared, and other load would skew wall time.
    const start = process.cpuUsage();
    for (const input of inputs) if (relabel(input, rules) !== undefined) kept++;
    const used = process.cpuUsage(start);
    bestMs = Math.min(bestMs, (used.user + used.system) / 1000);
  }
  return { name, bestMs, kept };
}

/** Adds promsd's exact literal/prefix/`.*` shortcuts to an engine (unwrapped: what the engine alone costs). */
const shortcut = (engine: EngineFactory): EngineFactory => (expr) => withShortcuts(engine(expr), options.profile);
const engines: [string, EngineFactory | undefined][] = [["re2js + shortcuts (shipped)", undefined], ["re2js", rawRe2js]];
const RE2 = loadNativeRe2();
if (RE2) engines.push(["re2 (native) + shortcuts", shortcut(nativeEngine(RE2))], ["re2 (native)", nativeEngine(RE2)]);
engines.push(["RegExp + shortcuts (ref.)", shortcut(jsRegExpEngine)], ["RegExp (reference only)", jsRegExpEngine]);

const only = args.get("engine");
const inputs = only === undefined ? [] : kubernetesPodLabelSets(count);
if (only === undefined) {
  // Each engine in its own process: sharing one process lets JIT feedback and GC state from one engine
  // skew the next.
  console.log(`node ${process.version}, ${count} label sets × 15 rules, best of ${rounds} rounds, CPU time`);
  for (const [name] of engines) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--count=${count}`, `--rounds=${rounds}`, `--engine=${name}`], { stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
} else {
  const engine = engines.find(([name]) => name === only);
  if (engine === undefined) throw new Error(`unknown engine ${only}`);
  const r = run(engine[0], compileRules(engine[1]), inputs);
  const perSetUs = (r.bestMs * 1000) / count;
  console.log(`${r.name.padEnd(28)} ${r.bestMs.toFixed(0).padStart(7)} ms  ${perSetUs.toFixed(2).padStart(6)} µs/set  ${((count / r.bestMs) * 1000).toFixed(0).padStart(8)} sets/s  kept ${r.kept}`);
  if (engine[1] === undefined) {
    // Compile cost of the rule list, paid on every config load.
    const compileStart = process.cpuUsage();
    for (let i = 0; i < 100; i++) compileRules(undefined);
    const compileUsed = process.cpuUsage(compileStart);
    console.log(`${"".padEnd(28)} parse + compile of the 15 rules: ${((compileUsed.user + compileUsed.system) / 1000 / 100).toFixed(3)} ms CPU`);
  }
}
