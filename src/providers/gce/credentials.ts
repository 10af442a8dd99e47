/**
 * Google's application default credentials through Google's own library, `google-auth-library` (loaded with
 * `await import()` only when a gce job starts), as Prometheus's `google.DefaultClient` finds them:
 * GOOGLE_APPLICATION_CREDENTIALS (service account or other JSON), gcloud's well-known file, then the GCE
 * metadata server (GCE_METADATA_HOST moves it; METADATA_SERVER_DETECTION=none turns it off). The library
 * caches the token and renews it before it expires. Its token requests go through promsd's HTTP client
 * (src/cloud/fetch-adapter.ts); metadata-server requests use the library's own fetch.
 *
 * Difference from Go: google-auth-library sends service-account token requests to
 * https://oauth2.googleapis.com/token whatever the key file's `token_uri` says.
 */
import { fetchOverHttpClient } from "../../cloud/fetch-adapter.js";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";

export const COMPUTE_READONLY_SCOPE = "https://www.googleapis.com/auth/compute.readonly";
const MAX_TOKEN_BODY_BYTES = 1024 * 1024;

export interface GoogleTokenSource {
  token(signal: AbortSignal): Promise<string>;
}

export async function createGoogleTokenSource(client: HttpClient): Promise<GoogleTokenSource> {
  const { GoogleAuth } = await import("google-auth-library");
  const transporterOptions = { fetchImplementation: fetchOverHttpClient(client, { maxBodyBytes: MAX_TOKEN_BODY_BYTES }) };
  const auth = new GoogleAuth({ scopes: [COMPUTE_READONLY_SCOPE], clientOptions: { transporterOptions } });
  return {
    async token(signal) {
      try {
        const authClient = await auth.getClient();
        const { token } = await authClient.getAccessToken();
        if (token === null || token === undefined || token === "") throw new Error("no access token");
        return token;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new SourceError("PROMSD_SOURCE_GCE_AUTH", `error setting up communication with GCE service: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, { cause: error });
      }
    },
  };
}
