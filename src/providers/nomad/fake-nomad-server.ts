/**
 * A fake Nomad agent speaking the two endpoints of its native service catalogue that Prometheus uses:
 * `GET /v1/services` (per-namespace stubs; `namespace=*` lists all) and `GET /v1/service/<name>` (the
 * registrations of one service in the query's namespace), answering with `X-Nomad-Index` — the Raft index of
 * the last change, which grows with every change of state, as a real agent's does. Built on the shared
 * loopback API fake (request log, scripted faults). Raw answers per path replay Prometheus's own mocks.
 */
import { startApiFake, type ApiFake, type FakeAnswer, type FakeRequest } from "../../testing/cloud/api-fake.js";

export interface FakeNomadRegistration {
  readonly ID: string;
  readonly ServiceName: string;
  readonly Namespace?: string;
  readonly NodeID?: string;
  readonly Datacenter?: string;
  readonly JobID?: string;
  readonly AllocID?: string;
  readonly Tags?: readonly string[];
  readonly Address: string;
  readonly Port: number;
}

export interface FakeNomad {
  readonly api: ApiFake;
  /** The `server` to configure. */
  readonly url: string;
  readonly requests: readonly FakeRequest[];
  readonly index: number;
  setRegistrations(registrations: readonly FakeNomadRegistration[]): void;
  /** Serves these bodies for these paths instead of the catalogue (Prometheus's mock answers). */
  setRawAnswers(answers: Readonly<Record<string, unknown>> | undefined): void;
  close(): Promise<void>;
}

export async function startFakeNomad(options: { registrations?: readonly FakeNomadRegistration[] } = {}): Promise<FakeNomad> {
  let registrations = options.registrations ?? [];
  let raw: Readonly<Record<string, unknown>> | undefined;
  let index = 10;
  const headers = (): Record<string, string> => ({ "x-nomad-index": String(index), "x-nomad-knownleader": "true", "x-nomad-lastcontact": "0", "content-type": "application/json; charset=utf-8" });
  const route = (request: FakeRequest): FakeAnswer | undefined => {
    const path = request.url.pathname;
    if (raw !== undefined) return Object.hasOwn(raw, path) ? { body: raw[path], headers: headers() } : undefined;
    const namespace = request.url.searchParams.get("namespace") ?? "default";
    const inNamespace = registrations.filter((r) => namespace === "*" || (r.Namespace ?? "default") === namespace);
    if (path === "/v1/services") {
      const byNamespace = new Map<string, Map<string, Set<string>>>();
      for (const r of inNamespace) {
        const services = byNamespace.get(r.Namespace ?? "default") ?? new Map<string, Set<string>>();
        const tags = services.get(r.ServiceName) ?? new Set<string>();
        for (const tag of r.Tags ?? []) tags.add(tag);
        services.set(r.ServiceName, tags);
        byNamespace.set(r.Namespace ?? "default", services);
      }
      return { body: [...byNamespace].map(([ns, services]) => ({ Namespace: ns, Services: [...services].map(([ServiceName, tags]) => ({ ServiceName, Tags: [...tags] })) })), headers: headers() };
    }
    if (path.startsWith("/v1/service/")) {
      const name = decodeURIComponent(path.slice("/v1/service/".length));
      return { body: inNamespace.filter((r) => r.ServiceName === name).map((r) => ({ Namespace: "default", NodeID: "", Datacenter: "dc1", JobID: "", AllocID: "", Tags: [], CreateIndex: index, ModifyIndex: index, ...r })), headers: headers() };
    }
    return undefined;
  };
  const api = await startApiFake({ route });
  return {
    api,
    url: api.origin,
    requests: api.requests,
    get index() {
      return index;
    },
    setRegistrations: (next) => {
      registrations = next;
      index++;
    },
    setRawAnswers: (answers) => {
      raw = answers;
      index++;
    },
    close: () => api.close(),
  };
}
