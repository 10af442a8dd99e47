/**
 * A fake IONOS Cloud API v6 for tests: `GET /cloudapi/v6/datacenters/<id>/servers?depth=N` answering the
 * `Servers` collection (fixtures/servers.json is Prometheus's own test data) with bearer-token or basic
 * auth, and a 404 for other data centers, served over TLS as api.ionos.com behind a CONNECT proxy.
 */
import { startApiFake, type ApiFake } from "../../testing/cloud/api-fake.js";

export const IONOS_HOST = "api.ionos.com";

export async function startFakeIonos(dir: string, options: { authorization: string; datacenterId: string; servers: unknown }): Promise<ApiFake & { setServers(servers: unknown): void }> {
  let servers = options.servers;
  const fake = await startApiFake({
    tls: { dir, hosts: [IONOS_HOST] },
    route: (request) => {
      if (request.host !== IONOS_HOST) return undefined;
      if (request.headers.authorization !== options.authorization) return { status: 401, body: { httpStatus: 401, messages: [{ errorCode: "315", message: "Unauthorized" }] } };
      if (request.url.pathname !== `/cloudapi/v6/datacenters/${options.datacenterId}/servers`) return { status: 404, body: { httpStatus: 404, messages: [{ errorCode: "309", message: "Resource does not exist" }] } };
      return { body: servers };
    },
  });
  return Object.assign(fake, { setServers: (next: unknown) => void (servers = next) });
}
