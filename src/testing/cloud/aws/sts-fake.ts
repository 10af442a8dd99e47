/**
 * A fake AWS STS (query protocol, XML answers) on 127.0.0.1 for the credential tests: `AssumeRole` (signed
 * with the caller's credentials, which the shared fake records) and `AssumeRoleWithWebIdentity` (unsigned,
 * carrying the web identity token). Each call issues fresh temporary credentials `ASIA<n>` / `token-<n>`
 * valid for `lifetimeMs`, so a test can tell which call's credentials a later request used and whether
 * credentials near their expiry were renewed. Point the SDK at it with `AWS_ENDPOINT_URL_STS`.
 */
import { queryErrorAnswer, startAwsFake, xmlEscape, type AwsFake, type AwsFakeRequest } from "./aws-fake.js";

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface FakeSts extends AwsFake {
  /** Every credential issued, in order. */
  readonly issued: readonly IssuedCredentials[];
  setLifetimeMs(ms: number): void;
}

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

export async function startFakeSts(options: { lifetimeMs?: number } = {}): Promise<FakeSts> {
  let lifetimeMs = options.lifetimeMs ?? 3_600_000;
  const issued: IssuedCredentials[] = [];
  const issue = (request: AwsFakeRequest, action: "AssumeRole" | "AssumeRoleWithWebIdentity") => {
    const n = issued.length + 1;
    const credentials = { accessKeyId: `ASIAFAKE${n}`, secretAccessKey: `secret-${n}`, sessionToken: `token-${n}`, expiration: new Date(Date.now() + lifetimeMs) };
    issued.push(credentials);
    const role = request.form.get("RoleArn") ?? "";
    const extra = action === "AssumeRoleWithWebIdentity" ? "<SubjectFromWebIdentityToken>subject</SubjectFromWebIdentityToken>" : "";
    const body = `<${action}Response xmlns="${NS}"><${action}Result>${extra}<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><SessionToken>${credentials.sessionToken}</SessionToken><Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>${xmlEscape(role)}/session</Arn><AssumedRoleId>AROAFAKE:session</AssumedRoleId></AssumedRoleUser></${action}Result><ResponseMetadata><RequestId>fake-${n}</RequestId></ResponseMetadata></${action}Response>`;
    return { status: 200, headers: { "content-type": "text/xml" }, body };
  };
  const fake = await startAwsFake((request) => {
    if (request.operation === "AssumeRole") {
      if (request.accessKeyId === "") return queryErrorAnswer("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
      return issue(request, "AssumeRole");
    }
    if (request.operation === "AssumeRoleWithWebIdentity") {
      if ((request.form.get("WebIdentityToken") ?? "") === "") return queryErrorAnswer("InvalidIdentityToken", 400, "no token");
      return issue(request, "AssumeRoleWithWebIdentity");
    }
    return queryErrorAnswer("InvalidAction", 400, `Could not find operation ${request.operation}`);
  });
  return { ...fake, issued, setLifetimeMs: (ms) => void (lifetimeMs = ms) };
}
