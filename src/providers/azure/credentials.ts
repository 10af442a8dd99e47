/**
 * ARM tokens through Azure's own library, `@azure/identity` (loaded with `await import()` only when an
 * azure job starts): OAuth = ClientSecretCredential, ManagedIdentity = ManagedIdentityCredential (IMDS, or
 * App Service / Arc / Cloud Shell by their environment variables; IMDS's host is overridable with
 * AZURE_POD_IDENTITY_AUTHORITY_HOST), SDK = DefaultAzureCredential (environment, workload identity, managed
 * identity, developer tools), WorkloadIdentity = WorkloadIdentityCredential (3.x). The library caches tokens
 * and renews them before they expire.
 *
 * The library's HTTP goes through promsd's HTTP client (./identity-http.ts): the job's TLS and proxy
 * settings apply, bodies are capped, and nothing bypasses the transport tests control.
 */
import type { TokenCredential } from "@azure/core-auth";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";
import type { AzureConfig } from "./config.js";
import type { AzureEnvironment } from "./environments.js";
import { identityHttpClient } from "./identity-http.js";

export interface ArmTokenSource {
  /** A bearer token for ARM; the library renews it when it nears expiry. */
  token(signal: AbortSignal): Promise<string>;
}

/** A kept token is not used in its last 30 seconds. */
const KEEP_MARGIN_MS = 30_000;

export async function createArmTokenSource(config: AzureConfig, environment: AzureEnvironment, scope: string, client: HttpClient): Promise<ArmTokenSource> {
  const [identity, pipeline] = await Promise.all([import("@azure/identity"), import("@azure/core-rest-pipeline")]);
  const common = {
    httpClient: identityHttpClient(client, pipeline.createHttpHeaders),
    authorityHost: environment.activeDirectoryEndpoint,
    // Private clouds (an environment file) have no entry in Microsoft's authority list: do not ask
    // login.microsoftonline.com to validate them.
    disableInstanceDiscovery: !environment.isKnownCloud,
    // The refresh loop retries on its own schedule; the library's own retries would outlive its deadline.
    retryOptions: { maxRetries: 1 },
  };
  let credential: TokenCredential;
  switch (config.authenticationMethod) {
    case "OAuth":
      credential = new identity.ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret.reveal(), common);
      break;
    case "ManagedIdentity":
      credential = config.clientId === "" ? new identity.ManagedIdentityCredential(common) : new identity.ManagedIdentityCredential({ ...common, clientId: config.clientId });
      break;
    case "SDK":
      credential = new identity.DefaultAzureCredential(config.tenantId === "" ? common : { ...common, tenantId: config.tenantId });
      break;
    case "WorkloadIdentity":
      credential = new identity.WorkloadIdentityCredential(common);
      break;
  }
  // @azure/identity renews a token on every call once it is within 5 minutes of expiry; promsd keeps a token
  // until shortly before it expires, so one refresh's many ARM calls share it.
  let kept: { token: string; expiresAtMs: number } | undefined;
  return {
    async token(signal) {
      if (kept && kept.expiresAtMs - KEEP_MARGIN_MS > Date.now()) return kept.token;
      let token;
      try {
        token = await credential.getToken(scope, { abortSignal: signal });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new SourceError("PROMSD_SOURCE_AZURE_AUTH", `could not get an Azure token (${config.authenticationMethod}): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, { cause: error });
      }
      if (token === null) throw new SourceError("PROMSD_SOURCE_AZURE_AUTH", `could not get an Azure token (${config.authenticationMethod}): no token`);
      kept = { token: token.token, expiresAtMs: token.expiresOnTimestamp };
      return token.token;
    },
  };
}
