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
