/**
 * IPC between a bench's coordinator and the processes it forks: each child reports `{ event, ... }`
 * messages, and the coordinator waits for a named one with a deadline (or the child's exit).
 */
import type { ChildProcess } from "node:child_process";

export type Message = Record<string, unknown> & { readonly event: string };

/** Resolves with the child's next message whose `event` is `event`; rejects on timeout or exit. */
export function next(child: ChildProcess, event: string, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${event}" within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (message: Message): void => {
      if (message.event === event) finish(undefined, message);
    };
    const onExit = (code: number | null, signal: string | null): void => finish(new Error(`process exited (${code ?? signal}) before "${event}"`));
    const finish = (error: Error | undefined, message?: Message): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error || message === undefined) reject(error ?? new Error(`no "${event}" message`));
      else resolve(message);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/**
 * Asks a forked child to stop (`{ cmd: "stop" }` over IPC) and waits up to `graceMs` for it to exit; then
 * kills it by PID. Resolves once it is gone or killed.
 */
export async function stopForkedChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (child.connected) child.send({ cmd: "stop" });
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
}
