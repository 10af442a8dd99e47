/**
 * The benchmark's API server process: the fake API server with N pods, churning on request from the
 * orchestrator (IPC). Runs in its own process so its CPU is not charged to the clients.
 */
import { FakeApiServer } from "../../src/providers/kubernetes/api/fake-api-server.js";
import { benchPod } from "./pods.js";

const pods = Number(process.env["BENCH_PODS"] ?? 100_000);
// Watches resume from a recent version; a short history keeps old pod versions from piling up in this
// process's heap (a 1.2 GB heap made its own collector pauses show up as discovery latency).
const server = await FakeApiServer.start({ historyLimit: 20_000 });
server.bulkLoad("pods", (function* () {
  for (let i = 0; i < pods; i++) yield benchPod(i);
})());
let next = 0;

type Command = { readonly cmd: "churn"; readonly rate: number; readonly seconds: number } | { readonly cmd: "stop" };

process.on("message", (message: Command) => {
  if (message.cmd === "stop") {
    void server.close().then(() => process.exit(0));
    return;
  }
  const started = performance.now();
  let sent = 0;
  const total = message.rate * message.seconds;
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * message.rate));
    for (; sent < due; sent++) {
      server.apply("pods", benchPod(next, Date.now()));
      next = (next + 7919) % pods;
    }
    if (sent >= total) {
      clearInterval(timer);
      process.send?.({ event: "churned", sent });
    }
  }, 5);
});
process.send?.({ event: "ready", url: server.url, pods: server.count("pods") });
