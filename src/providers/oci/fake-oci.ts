/**
 * A loopback OCI for tests: HTTPS with a certificate for `identity.<region>.oci.oraclecloud.com` and
 * `iaas.<region>.oraclecloud.com`, reached through a CONNECT proxy (`proxy_url` + `tls_config.ca_file`
 * from the config alone, as OCI has no endpoint setting). It serves ListCompartments, ListInstances,
 * ListVnicAttachments (paged with `opc-next-page`) and GetVnic from a tenancy description
 * (./fixtures/tenancy.json), and checks every request's RSA signature with the test key's public half and
 * its keyId (`<tenancy>/<user>/<fingerprint>`); a request that fails gets OCI's 401 NotAuthenticated.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { startApiFake, type ApiFake, type FakeAnswer, type FakeRequest } from "../../testing/cloud/api-fake.js";
import { verifyOciSignature } from "./request-signature.js";

export const REGION = "us-ashburn-1";
export const TEST_USER = "ocid1.user.oc1..testuser";
export const TEST_FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";

export interface OciTenancy {
  tenancy: string;
  compartments: Record<string, unknown[]>;
  instances: Record<string, unknown[]>;
  vnicAttachments: Record<string, unknown[]>;
  vnics: Record<string, unknown>;
}

export function prometheusTenancy(): OciTenancy {
  return JSON.parse(readFileSync(new URL("./fixtures/tenancy.json", import.meta.url), "utf8")) as OciTenancy;
}

export interface FakeOci extends ApiFake {
  tenancy: OciTenancy;
  pageSize: number;
  readonly refused: string[];
  /** PKCS#8 PEM of the API signing key the fake trusts. */
  readonly privateKeyPem: string;
}

function page(items: readonly unknown[], request: FakeRequest, size: number): FakeAnswer {
  const start = Number(request.url.searchParams.get("page") ?? "0");
  const next = start + size < items.length ? { "opc-next-page": String(start + size) } : undefined;
  return { body: items.slice(start, start + size), ...(next ? { headers: next } : {}) };
}

export async function startFakeOci(dir: string): Promise<FakeOci> {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const refused: string[] = [];
  let fake: FakeOci | undefined;
  const route = (request: FakeRequest): FakeAnswer | undefined => {
    const tenancy = fake?.tenancy ?? prometheusTenancy();
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v ?? "")]));
    const check = verifyOciSignature(request.method, request.path, headers, publicKey);
    const problem = !check.ok ? check.reason : check.keyId !== `${tenancy.tenancy}/${TEST_USER}/${TEST_FINGERPRINT}` ? `unknown keyId ${check.keyId}` : undefined;
    if (problem !== undefined) {
      refused.push(problem);
      return { status: 401, body: { code: "NotAuthenticated", message: "The required information to complete authentication was not provided or was incorrect." } };
    }
    const q = request.url.searchParams;
    const size = fake?.pageSize ?? 100;
    const host = request.host.replace(/:\d+$/, "");
    const path = request.url.pathname;
    if (host === `identity.${REGION}.oci.oraclecloud.com` && path === "/20160918/compartments") {
      if (q.get("accessLevel") !== "ACCESSIBLE" || q.get("compartmentIdInSubtree") !== "false") return { status: 400, body: { code: "InvalidParameter" } };
      return page(tenancy.compartments[q.get("compartmentId") ?? ""] ?? [], request, size);
    }
    if (host !== `iaas.${REGION}.oraclecloud.com`) return undefined;
    if (path === "/20160918/instances") return page(tenancy.instances[q.get("compartmentId") ?? ""] ?? [], request, size);
    if (path === "/20160918/vnicAttachments") return page(tenancy.vnicAttachments[q.get("instanceId") ?? ""] ?? [], request, size);
    const vnic = /^\/20160918\/vnics\/(.+)$/.exec(path);
    if (vnic) {
      const found = tenancy.vnics[decodeURIComponent(vnic[1] ?? "")];
      return found === undefined ? { status: 404, body: { code: "NotAuthorizedOrNotFound" } } : { body: found };
    }
    return undefined;
  };
  const api = await startApiFake({ route, tls: { dir, hosts: [`identity.${REGION}.oci.oraclecloud.com`, `iaas.${REGION}.oraclecloud.com`] } });
  fake = Object.assign(api, { tenancy: prometheusTenancy(), pageSize: 100, refused, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() });
  return fake;
}
