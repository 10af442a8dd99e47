/**
 * A fake Vultr API v2 for tests: `GET /v2/instances` with Vultr's cursor paging (`per_page`, default 100;
 * `cursor`; `meta.total` and `meta.links.next`/`prev` as opaque base64 cursors, "" at the ends) and
 * bearer-token auth, served over TLS as api.vultr.com behind a CONNECT proxy. fixtures/ holds Prometheus's
 * mock answer.
 */
import { queryInt, startApiFake, type ApiFake } from "../../testing/cloud/api-fake.js";

export const VULTR_HOST = "api.vultr.com";

const cursorFor = (offset: number): string => Buffer.from(`next__${offset}`).toString("base64");
const offsetOf = (cursor: string | null): number => (cursor === null ? 0 : Number(Buffer.from(cursor, "base64").toString("utf8").replace(/^next__/, "")) || 0);

export async function startFakeVultr(dir: string, options: { token: string; instances: readonly unknown[] }): Promise<ApiFake & { instances: unknown[] }> {
  const instances = [...options.instances];
  const fake = await startApiFake({
    tls: { dir, hosts: [VULTR_HOST] },
    route: (request) => {
      if (request.host !== VULTR_HOST || request.url.pathname !== "/v2/instances") return undefined;
      if (request.headers.authorization !== `Bearer ${options.token}`) return { status: 401, body: { error: "Invalid API token.", status: 401 } };
      const perPage = queryInt(request, "per_page", 100);
      const offset = offsetOf(request.url.searchParams.get("cursor"));
      const end = offset + perPage;
      return { body: { instances: instances.slice(offset, end), meta: { total: instances.length, links: { next: end < instances.length ? cursorFor(end) : "", prev: offset > 0 ? cursorFor(Math.max(0, offset - perPage)) : "" } } } };
    },
  });
  return Object.assign(fake, { instances });
}
