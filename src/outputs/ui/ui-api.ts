/**
 * JSON endpoints the web UI reads (promsd extras, core.md 7.1), also usable by scripts:
 * - `GET /api/v1/promsd/targets?job=<name>`: one job's active, dropped (with the rule that dropped each) and
 *   failed targets, all labels included (`__*` too, so the relabel debugger can start from them).
 * - `GET /api/v1/promsd/providers`: the running providers with their state and config (secrets as `<secret>`);
 *   `isWaiting` marks a provider that has not delivered its initial set yet (its jobs answer 503 on http_sd).
 * Bodies are plain JSON (`{"status":"success","data":...}`); rendering them safely is the client's job.
 */
import { redactUrlPassword } from "../../config/secret.js";
import type { ProviderStatus } from "../../manager/manager.js";
import type { RelabelRulesOf } from "../api/relabel-steps.js";
import type { RelabelConfig } from "../../relabel/types.js";
import type { TargetsView } from "../../targets/types.js";
import { apiError, apiSuccess, jsonArrayPieces, streamedApiSuccess, type HttpRequest, type HttpResponse } from "../http/router.js";

export interface UiApiOptions {
  readonly targets: TargetsView;
  readonly relabelRules: RelabelRulesOf;
  readonly providerStatuses: () => readonly ProviderStatus[];
  /** The provider's config block as the user wrote it (YAML, secrets `<secret>`); undefined: not found. */
  readonly providerConfigYaml?: (provider: ProviderStatus) => string | undefined;
}

/** A rule in the keys of prometheus.yml, for display. */
export function ruleForDisplay(rule: RelabelConfig): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (rule.sourceLabels !== undefined) out["source_labels"] = [...rule.sourceLabels];
  out["separator"] = rule.separator;
  out["regex"] = rule.regex ?? "(.*)";
  if (rule.modulus !== 0n) out["modulus"] = rule.modulus.toString();
  if (rule.targetLabel !== "") out["target_label"] = rule.targetLabel;
  out["replacement"] = rule.replacement;
  out["action"] = rule.action;
  return out;
}

/**
 * Streamed (core.md 7.4): each target is stringified on its own while the body is written, giving the same
 * bytes as one JSON.stringify of the whole object without holding the body.
 */
export function jobTargetsHandler(options: UiApiOptions): (request: HttpRequest) => HttpResponse {
  return (request) => {
    const name = request.url.searchParams.get("job") ?? "";
    if (name === "") return apiError("bad_data", "no job parameter provided");
    if (!options.targets.jobNames().includes(name)) return apiError("not_found", `job ${JSON.stringify(name)} not found`);
    const job = options.targets.job(name);
    const delivery = options.targets.delivery(name);
    const rules = options.relabelRules(name) ?? [];
    return streamedApiSuccess(function* jobData() {
      // The UI shows what is built, with `isComplete` false and the providers still waiting (http_sd says 503).
      yield `{"job":${JSON.stringify(name)},"isBuilt":${job !== undefined},"isComplete":${delivery.isComplete},` +
        `"waitingFor":${JSON.stringify(delivery.waitingFor)},"updatedAtMs":${job?.updatedAtMs ?? null},"active":`;
      yield* jsonArrayPieces(stringified(job?.active ?? [], (t) => ({ discoveredLabels: t.discoveredLabels, labels: t.labels, scrapeUrl: t.scrapeUrl, source: t.source, index: t.index })));
      yield ',"dropped":';
      yield* jsonArrayPieces(
        stringified(job?.dropped ?? [], (t) => {
          const rule = rules[t.droppedByRule];
          return { discoveredLabels: t.discoveredLabels, source: t.source, index: t.index, droppedByRule: t.droppedByRule, rule: rule ? ruleForDisplay(rule.config) : null };
        }),
      );
      yield `,"droppedCount":${job?.droppedCount ?? 0},"failed":`;
      yield* jsonArrayPieces(stringified(job?.failed ?? [], (t) => ({ discoveredLabels: t.discoveredLabels, source: t.source, index: t.index, reason: t.reason })));
      yield "}";
    });
  };
}

function* stringified<T>(items: readonly T[], shape: (item: T) => object): Generator<string> {
  for (const item of items) yield JSON.stringify(shape(item));
}

/** JSON.stringify replacer for parsed configs: bigint as text, Map/Set as object/array, functions left out. */
function configValue(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  // A password written into a URL (http_sd `url`, `api_server`, proxies) is a secret too.
  if (typeof value === "string") return redactUrlPassword(value);
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof RegExp) return value.source;
  if (typeof value === "function") return undefined;
  return value;
}

export function providersHandler(options: UiApiOptions): () => HttpResponse {
  return () => {
    const providers = options.providerStatuses().map((p) => ({
      name: p.name,
      mechanism: p.mechanism,
      jobs: p.jobs,
      config: p.config,
      configYaml: options.providerConfigYaml?.(p) ?? null,
      state: p.state,
      hasInitialSet: p.hasInitialSet,
      isWaiting: p.isWaiting,
      lastUpdateMs: p.lastUpdateMs ?? null,
      updatesReceived: p.updatesReceived,
      groupCount: p.groupCount,
      targetCount: p.targetCount,
      errorCount: p.errorCount,
      lastError: p.lastError ?? null,
    }));
    // Secret's toJSON() prints "<secret>", so the replacer never sees a secret's value.
    return apiSuccess(JSON.stringify({ providers }, configValue));
  };
}
