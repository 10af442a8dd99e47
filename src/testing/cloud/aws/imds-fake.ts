/**
 * A fake EC2 instance metadata service (IMDSv2) on 127.0.0.1 for the credential and region tests: the
 * session token (`PUT /latest/api/token`), the instance role's credentials under
 * `/latest/meta-data/iam/security-credentials[-extended]/`, and the identity document with the region.
 * Requests without the session token are refused (401), as IMDSv2-only instances do. Point the SDK at it
 * with `AWS_EC2_METADATA_SERVICE_ENDPOINT=<url>` (and leave `AWS_EC2_METADATA_DISABLED` unset).
 */
import { startServer, type TestServer } from "../../../http/test-support.js";

export interface FakeImds {
  readonly url: string;
  readonly paths: readonly string[];
  close(): Promise<void>;
}

const TOKEN = "imds-session-token";

export async function startFakeImds(options: { region: string; role?: string; accessKeyId?: string; lifetimeMs?: number }): Promise<FakeImds> {
  const role = options.role ?? "promsd-instance-role";
  const paths: string[] = [];
  const server: TestServer = await startServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    paths.push(`${req.method} ${path}`);
    if (req.method === "PUT" && path === "/latest/api/token") {
      res.writeHead(200, { "content-type": "text/plain", "x-aws-ec2-metadata-token-ttl-seconds": "21600" }).end(TOKEN);
      return;
    }
    if (req.headers["x-aws-ec2-metadata-token"] !== TOKEN) {
      res.writeHead(401).end();
      return;
    }
    const credentialsBase = /^\/latest\/meta-data\/iam\/security-credentials(-extended)?\/?$/;
    if (credentialsBase.test(path)) {
      res.writeHead(200, { "content-type": "text/plain" }).end(role);
      return;
    }
    if (path.endsWith(`/${role}`) && path.startsWith("/latest/meta-data/iam/security-credentials")) {
      const expiration = new Date(Date.now() + (options.lifetimeMs ?? 3_600_000)).toISOString();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ Code: "Success", LastUpdated: new Date().toISOString(), Type: "AWS-HMAC", AccessKeyId: options.accessKeyId ?? "ASIAIMDS", SecretAccessKey: "imds-secret", Token: "imds-token", Expiration: expiration, AccountId: "123456789012" }));
      return;
    }
    if (path === "/latest/dynamic/instance-identity/document") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ region: options.region, availabilityZone: `${options.region}a`, instanceId: "i-imds" }));
      return;
    }
    res.writeHead(404).end();
  });
  return { url: server.origin, paths, close: () => server.close() };
}
