/** The daemon's JSON endpoints the UI reads (src/outputs/ui/ui-api.ts, src/outputs/api/relabel-steps.ts). */
export type Labels = Record<string, string>;

export interface JobSummary {
  name: string;
  active: number;
  dropped: number;
  failed: number;
  updatedAtMs?: number;
  /** False until each provider of the job delivered an initial set (http_sd answers 503 until then). */
  isComplete: boolean;
  waitingFor: string[];
}

export interface ActiveTarget { discoveredLabels: Labels; labels: Labels; scrapeUrl: string; source: string; index: number }
export interface DroppedTarget { discoveredLabels: Labels; source: string; index: number; droppedByRule: number; rule: Record<string, string | string[]> | null }
export interface FailedTarget { discoveredLabels: Labels; source: string; index: number; reason: string }

export interface JobTargets {
  job: string;
  isBuilt: boolean;
  isComplete: boolean;
  waitingFor: string[];
  updatedAtMs: number | null;
  active: ActiveTarget[];
  dropped: DroppedTarget[];
  droppedCount: number;
  failed: FailedTarget[];
}

export interface ProviderInfo {
  name: string;
  mechanism: string;
  jobs: string[];
  config: unknown;
  /** The config block as written in prometheus.yml, secrets as <secret>; null when it was not found. */
  configYaml: string | null;
  state: string;
  hasInitialSet: boolean;
  isWaiting: boolean;
  lastUpdateMs: number | null;
  updatesReceived: number;
  groupCount: number;
  targetCount: number;
  errorCount: number;
  lastError: { message: string; atMs: number } | null;
}

export interface RelabelRule {
  source_labels?: string[];
  separator: string;
  regex: string;
  modulus?: number;
  target_label?: string;
  replacement: string;
  action: string;
}

export interface RelabelStep { rule: RelabelRule; output: Labels; keep: boolean }

interface Envelope<T> { status: "success" | "error"; data?: T; error?: string }

async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, signal ? { signal } : {});
  const body = (await res.json()) as Envelope<T>;
  if (body.status !== "success" || body.data === undefined) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data;
}

export function fetchJobTargets(job: string, signal?: AbortSignal): Promise<JobTargets> {
  return apiGet(`/api/v1/promsd/targets?job=${encodeURIComponent(job)}`, signal);
}

export async function fetchProviders(signal?: AbortSignal): Promise<ProviderInfo[]> {
  return (await apiGet<{ providers: ProviderInfo[] }>("/api/v1/promsd/providers", signal)).providers;
}

export async function fetchRelabelSteps(job: string, labels: Labels, signal?: AbortSignal): Promise<RelabelStep[]> {
  const query = `scrapePool=${encodeURIComponent(job)}&labels=${encodeURIComponent(JSON.stringify(labels))}`;
  return (await apiGet<{ steps: RelabelStep[] }>(`/api/v1/targets/relabel_steps?${query}`, signal)).steps;
}

/** Label names sorted as Prometheus sorts them (byte order of UTF-8 is code-point order). */
export function sortedLabelNames(labels: Labels): string[] {
  return Object.keys(labels).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
