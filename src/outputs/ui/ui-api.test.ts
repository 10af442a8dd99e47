import assert from "node:assert/strict";
import { test } from "node:test";
import { compileRelabelConfig } from "../../relabel/index.js";
import type { CompiledRule } from "../../relabel/types.js";
import { oddTargetsView } from "../api/odd-targets-view.js";
import { Router } from "../http/router.js";
import { jobTargetsHandler, ruleForDisplay } from "./ui-api.js";

// Dropped targets name rule 0, 1 or 2; the job has two rules, so some point past the end (rule: null).
const RULES: CompiledRule[] = ["a<.*", "b&.*"].map((regex) =>
  compileRelabelConfig({ sourceLabels: ["__address__"], separator: ";", regex, modulus: 0n, targetLabel: "", replacement: "$1", action: "drop" }, { profile: "v3", scheme: "utf8" }),
);

test("ui api: a job's targets, streamed, are byte for byte one JSON.stringify of the whole object", async () => {
  const view = oddTargetsView(2000);
  const router = new Router().get("/t", jobTargetsHandler({ targets: view, relabelRules: (job) => (job === "zeta" ? RULES : undefined), providerStatuses: () => [] }));
  for (const name of ["zeta", "a<b>", "unbuilt"]) {
    const res = await router.inject({ path: `/t?${new URLSearchParams({ job: name })}` });
    const job = view.job(name);
    const rules = name === "zeta" ? RULES : [];
    const data = {
      job: name,
      isBuilt: job !== undefined,
      isComplete: job !== undefined,
      waitingFor: job !== undefined ? [] : ["consul/0"],
      updatedAtMs: job?.updatedAtMs ?? null,
      active: (job?.active ?? []).map((t) => ({ discoveredLabels: t.discoveredLabels, labels: t.labels, scrapeUrl: t.scrapeUrl, source: t.source, index: t.index })),
      dropped: (job?.dropped ?? []).map((t) => {
        const rule = rules[t.droppedByRule];
        return { discoveredLabels: t.discoveredLabels, source: t.source, index: t.index, droppedByRule: t.droppedByRule, rule: rule ? ruleForDisplay(rule.config) : null };
      }),
      droppedCount: job?.droppedCount ?? 0,
      failed: (job?.failed ?? []).map((t) => ({ discoveredLabels: t.discoveredLabels, source: t.source, index: t.index, reason: t.reason })),
    };
    assert.equal(res.status, 200, name);
    assert.ok(res.chunks, `${name} is streamed`);
    assert.equal(res.body, JSON.stringify({ status: "success", data }), name);
  }
});
