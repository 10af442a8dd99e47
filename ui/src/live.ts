/**
 * The live connection: one EventSource on `/api/v1/targets/stream` shared by every page. Each `targets` event
 * carries every job's counts and the names of jobs that changed; pages refetch details for changed jobs.
 */
import { useEffect, useState } from "preact/hooks";
import type { JobSummary } from "./api";

export interface LiveState {
  connected: boolean;
  jobs: JobSummary[];
  /** Incremented per job whenever its targets changed; pages use it as a refetch key. */
  versions: Record<string, number>;
  /** Incremented on every event (the SD page refetches providers on any change). */
  tick: number;
}

let state: LiveState = { connected: false, jobs: [], versions: {}, tick: 0 };
const listeners = new Set<(s: LiveState) => void>();
let source: EventSource | undefined;

function publish(next: LiveState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

function connect(): void {
  if (source) return;
  source = new EventSource("/api/v1/targets/stream");
  source.addEventListener("open", () => publish({ ...state, connected: true }));
  source.addEventListener("error", () => publish({ ...state, connected: false }));
  source.addEventListener("targets", (event) => {
    const data = JSON.parse((event as MessageEvent<string>).data) as { changed: string[]; jobs: JobSummary[] };
    const versions = { ...state.versions };
    for (const name of data.changed) versions[name] = (versions[name] ?? 0) + 1;
    publish({ connected: true, jobs: data.jobs, versions, tick: state.tick + 1 });
  });
}

export function useLive(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    connect();
    listeners.add(setCurrent);
    setCurrent(state);
    return () => void listeners.delete(setCurrent);
  }, []);
  return current;
}
