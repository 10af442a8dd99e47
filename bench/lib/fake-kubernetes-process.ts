/**
 * The fake Kubernetes API server of bench/kubernetes (server.ts: N bench pods, churn on request) as a
 * forked process, for every bench that discovers pods from it. Its CPU stays out of the measured process.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { next } from "./child-messages.js";

const SERVER_SCRIPT = fileURLToPath(new URL("../kubernetes/server.ts", import.meta.url));

export interface FakeKubernetesProcess {
  readonly child: ChildProcess;
  /** Base URL of the API server, on loopback. */
  readonly url: string;
  /** From fork to the server holding every pod. */
  readonly loadSeconds: number;
}

export interface FakeKubernetesOptions {
  readonly pods: number;
  /** Node flags of the server process; it needs `--import tsx` to run TypeScript. */
  readonly execArgv: readonly string[];
  readonly loadTimeoutMs?: number;
}

/** Forks the server with `pods` pods and waits until it is ready. Stop it with stopForkedChild. */
export async function startFakeKubernetes({ pods, execArgv, loadTimeoutMs = 10 * 60_000 }: FakeKubernetesOptions): Promise<FakeKubernetesProcess> {
  const started = performance.now();
  const child = fork(SERVER_SCRIPT, [], { execArgv: [...execArgv], env: { ...process.env, BENCH_PODS: String(pods) }, stdio: "inherit" });
  try {
    const ready = await next(child, "ready", loadTimeoutMs);
    return { child, url: String(ready["url"]), loadSeconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    throw error;
  }
}

/** Makes the server change `rate` pods per second for `seconds`; resolves with the number of changes written. */
export async function churnPods(server: FakeKubernetesProcess, rate: number, seconds: number): Promise<number> {
  const churned = next(server.child, "churned", (seconds + 120) * 1000);
  server.child.send({ cmd: "churn", rate, seconds });
  return Number((await churned)["sent"]);
}
