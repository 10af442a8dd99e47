/**
 * bcrypt off the event loop: one worker thread running bcryptjs's synchronous compare, one check at a time
 * (exporter-toolkit's bcryptMtx), so a login never delays other requests, not even by bcryptjs's 100 ms
 * async slices. Started on first use; it keeps the process alive only while a check is pending.
 */
import { Worker } from "node:worker_threads";
import type { BcryptCompare } from "./basic-auth.js";

// CommonJS, evaluated in the worker; bcryptjs is loaded there by URL, so no bundling or .ts loader is needed.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.bcryptUrl).then(({ default: bcrypt }) => {
  parentPort.on("message", ({ id, password, hash }) => {
    let ok = false;
    try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
    parentPort.postMessage({ id, ok });
  });
  parentPort.postMessage({ ready: true });
});
`;

interface WorkerReply {
  readonly id?: number;
  readonly ok?: boolean;
  readonly ready?: boolean;
}

/** Starts the worker and resolves once bcryptjs is loaded in it. */
export async function startBcryptWorker(): Promise<BcryptCompare> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptUrl: import.meta.resolve("bcryptjs") } });
  const pending = new Map<number, (ok: boolean) => void>();
  let nextId = 0;
  let failure: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (reply: WorkerReply) => {
      if (reply.ready) return resolve();
      if (reply.id === undefined) return;
      pending.get(reply.id)?.(reply.ok === true);
      pending.delete(reply.id);
      if (pending.size === 0) worker.unref();
    });
    worker.once("error", (error) => {
      failure = error;
      reject(error);
      // Fail closed: every waiting check is a refusal.
      for (const done of pending.values()) done(false);
      pending.clear();
    });
  });
  // A 'message' listener refs the worker; unref it after attaching, ref it again while checks wait.
  worker.unref();
  return (password, hash) => {
    if (failure) return Promise.resolve(false);
    const id = nextId++;
    return new Promise<boolean>((resolve) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, resolve);
      worker.postMessage({ id, password, hash });
    });
  };
}
