/**
 * Relabel debugger: a job and a label set in (picked from the job's targets or pasted as JSON), every rule of
 * the job out, with the labels before and after it, changed labels highlighted, and where the target was kept
 * or dropped. It calls `/api/v1/targets/relabel_steps`, so scripts get the same trace.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { fetchJobTargets, fetchRelabelSteps, sortedLabelNames, type JobTargets, type Labels, type RelabelRule, type RelabelStep } from "./api";
import { matchesFilter, searchText } from "./labels";
import { useLive } from "./live";

const MAX_CHOICES = 200;

export function DebuggerPage({ query }: { query: URLSearchParams }) {
  const live = useLive();
  const [job, setJob] = useState(query.get("job") ?? "");
  const [labelsText, setLabelsText] = useState(() => prettyLabels(query.get("labels")));
  const [steps, setSteps] = useState<{ input: Labels; steps: RelabelStep[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The picker's selection, cleared when the label set is edited by hand so it never names another target.
  const [picked, setPicked] = useState("");

  useEffect(() => {
    if (job === "" && live.jobs[0]) setJob(live.jobs[0].name);
  }, [live.jobs, job]);

  const [changedOnly, setChangedOnly] = useState(false);
  const runs = useRef(0);

  // A new run replaces the previous result at once: the old tables never stay under a new error, and a slow
  // earlier answer can never overwrite a later one.
  const run = async (): Promise<void> => {
    const id = ++runs.current;
    setError(undefined);
    setSteps(undefined);
    let input: Labels;
    try {
      input = JSON.parse(labelsText) as Labels;
    } catch (e) {
      setError(`labels are not valid JSON: ${String(e)}`);
      return;
    }
    try {
      const result = await fetchRelabelSteps(job, input);
      if (id === runs.current) setSteps({ input, steps: result });
    } catch (e) {
      if (id === runs.current) setError(String(e));
    }
  };
  // Opening a "debug relabeling" link runs the trace at once.
  useEffect(() => {
    if (query.get("job") && query.get("labels")) void run();
  }, []);

  return (
    <section>
      <h2>Relabel debugger</h2>
      <div class="debug-input">
        <label>
          Job{" "}
          <select data-testid="job-select" value={job} onChange={(e) => setJob((e.target as HTMLSelectElement).value)}>
            {live.jobs.map((j) => <option key={j.name} value={j.name}>{j.name}</option>)}
          </select>
        </label>
        <TargetPicker job={job} picked={picked} onPick={(id, labels) => { setPicked(id); setLabelsText(JSON.stringify(labels, null, 2)); }} />
        <label class="block">
          Label set (JSON object)
          <textarea data-testid="labels-input" rows={8} value={labelsText} onInput={(e) => { setPicked(""); setLabelsText((e.target as HTMLTextAreaElement).value); }} />
        </label>
        <div class="picker">
          <button data-testid="run" onClick={() => void run()} disabled={job === ""}>Show relabel steps</button>
          <label class="check">
            <input type="checkbox" data-testid="changed-only" checked={changedOnly} onChange={(e) => setChangedOnly((e.target as HTMLInputElement).checked)} />
            changed labels only
          </label>
        </div>
      </div>
      {error && <p class="error" data-testid="debug-error">{error}</p>}
      {steps && <StepList input={steps.input} steps={steps.steps} changedOnly={changedOnly} />}
    </section>
  );
}

function prettyLabels(text: string | null): string {
  if (!text) return "{\n  \"__address__\": \"localhost:9100\"\n}";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function TargetPicker({ job, picked, onPick }: { job: string; picked: string; onPick: (id: string, labels: Labels) => void }) {
  const [data, setData] = useState<JobTargets | undefined>();
  const [filter, setFilter] = useState("");
  useEffect(() => {
    if (job === "") return undefined;
    const abort = new AbortController();
    fetchJobTargets(job, abort.signal).then(setData, () => setData(undefined));
    return () => abort.abort();
  }, [job]);
  const choices = useMemo(() => {
    if (!data) return [];
    // Ids stay stable while the search narrows the list, so the selection keeps naming the same target.
    const all = [
      ...data.active.map((t, i) => ({ id: `active:${i}`, kind: "active", labels: t.discoveredLabels })),
      ...data.dropped.map((t, i) => ({ id: `dropped:${i}`, kind: "dropped", labels: t.discoveredLabels })),
      ...data.failed.map((t, i) => ({ id: `failed:${i}`, kind: "failed", labels: t.discoveredLabels })),
    ];
    return all.filter((c) => matchesFilter(searchText(c.labels), filter)).slice(0, MAX_CHOICES);
  }, [data, filter]);
  return (
    <div class="picker">
      <input type="search" class="picker-filter" placeholder="Find a discovered target…" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <select
        data-testid="target-select"
        value={picked}
        onChange={(e) => {
          const id = (e.target as HTMLSelectElement).value;
          const choice = choices.find((c) => c.id === id);
          if (choice) onPick(id, choice.labels);
        }}
      >
        <option value="">Pick a target ({choices.length}{choices.length === MAX_CHOICES ? "+" : ""})</option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            [{c.kind}] {c.labels["__address__"] ?? "(no address)"}
          </option>
        ))}
      </select>
    </div>
  );
}

function ruleText(rule: RelabelRule): string {
  const lines = [`action: ${rule.action}`];
  if (rule.source_labels) lines.push(`source_labels: [${rule.source_labels.join(", ")}]`);
  lines.push(`regex: ${rule.regex}`);
  if (rule.separator !== ";") lines.push(`separator: ${JSON.stringify(rule.separator)}`);
  if (rule.modulus !== undefined) lines.push(`modulus: ${rule.modulus}`);
  if (rule.target_label !== undefined) lines.push(`target_label: ${rule.target_label}`);
  if (rule.replacement !== "$1") lines.push(`replacement: ${rule.replacement}`);
  return lines.join("\n");
}

function StepList({ input, steps, changedOnly }: { input: Labels; steps: RelabelStep[]; changedOnly: boolean }) {
  const dropIndex = steps.findIndex((s) => !s.keep);
  const final = steps.length === 0 ? input : (steps[steps.length - 1]?.output ?? {});
  return (
    <div class="steps">
      <p class={dropIndex >= 0 ? "verdict dropped" : "verdict kept"} data-testid="verdict">
        {dropIndex >= 0 ? `Dropped by relabel_configs[${dropIndex}]` : steps.length === 0 ? "Kept: the job has no relabel rules" : "Kept after every rule"}
      </p>
      {steps.map((step, i) => {
        const before = i === 0 ? input : (steps[i - 1]?.output ?? {});
        const isSkipped = i > dropIndex && dropIndex >= 0;
        return (
          <div key={i} class={isSkipped ? "step skipped" : "step"} data-step={i}>
            <div class="step-head">
              <span class="step-index">relabel_configs[{i}]</span>
              <span class={step.keep ? "badge kept" : "badge dropped"} data-testid="step-keep">
                {step.keep ? "kept" : i === dropIndex ? "dropped here" : "not reached"}
              </span>
            </div>
            <pre class="rule">{ruleText(step.rule)}</pre>
            {!isSkipped && <LabelDiff before={before} after={step.keep ? step.output : {}} isDropped={!step.keep} changedOnly={changedOnly} />}
          </div>
        );
      })}
      {dropIndex < 0 && (
        <div class="step final" data-testid="final-labels">
          <div class="step-head">
            <span class="step-index">Result</span>
            <span class="muted small">labels after relabeling; target building then removes __meta_* and sets instance from __address__ when missing</span>
          </div>
          <FinalTable labels={final} />
        </div>
      )}
    </div>
  );
}

function LabelDiff({ before, after, isDropped, changedOnly }: { before: Labels; after: Labels; isDropped: boolean; changedOnly: boolean }) {
  const all = sortedLabelNames({ ...before, ...after });
  // "Changed labels only" hides the unchanged rows of kept steps; a dropping step still shows its labels.
  const names = changedOnly && !isDropped ? all.filter((name) => before[name] !== after[name]) : all;
  if (names.length === 0) return <p class="muted small" data-testid="no-change">no label changed</p>;
  return (
    <table class="diff">
      <thead><tr><th>Label</th><th>Before</th><th>After</th></tr></thead>
      <tbody>
        {names.map((name) => {
          const b = before[name];
          const a = isDropped ? b : after[name];
          const change = isDropped ? "" : b === undefined ? "added" : a === undefined ? "removed" : a !== b ? "changed" : "";
          return (
            <tr key={name} class={change} data-label={name} data-change={change || "same"}>
              <td class="label-name">{name}</td>
              <td class="label-value">{b ?? ""}</td>
              <td class="label-value">{a ?? ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FinalTable({ labels }: { labels: Labels }) {
  return (
    <table class="diff">
      <tbody>
        {sortedLabelNames(labels).map((name) => (
          <tr key={name} data-label={name}>
            <td class="label-name">{name}</td>
            <td class="label-value">{labels[name]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
