/**
 * What every AWS mechanism's `open` does before it builds its service client, in Prometheus 3.x's order
 * (discovery/aws/ec2.go `ec2Client`, the same in every role): resolve the region (./region.ts), build one
 * HTTP client from the config's HTTP client block, pick the credentials, and configure the SDK's retries.
 *
 * Credentials come from AWS's own libraries (`@aws-sdk/credential-providers`), never hand-written signing:
 * - `access_key` and `secret_key` both set: those static keys;
 * - otherwise the SDK's default chain (`fromNodeProviderChain`): environment (`AWS_ACCESS_KEY_ID`, …,
 *   skipped when a profile is named, as in Go), the shared config and credentials files (`AWS_CONFIG_FILE`,
 *   `AWS_SHARED_CREDENTIALS_FILE`) for `profile` or `AWS_PROFILE`, SSO, `credential_process`, web identity
 *   (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, i.e. IRSA), the ECS container endpoint and the instance
 *   metadata service (skipped with `AWS_EC2_METADATA_DISABLED=true`);
 * - `role_arn`: those credentials assume the role through STS (`fromTemporaryCredentials`, with
 *   `external_id`), refreshed before they expire.
 * Every STS call of these providers goes through the same promsd HTTP handler as the service calls.
 *
 * Retries: the SDK's standard strategy with 3 attempts, as Go's SDK v2 default that Prometheus runs with:
 * throttling (`RequestLimitExceeded`, `ThrottlingException`, …) and 5xx answers are retried after an
 * exponential, jittered backoff (throttling from a 500 ms base) under a retry quota, never in a tight loop.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { createHttpClient } from "../../http/http-client.js";
import type { DiscovererDeps } from "../../providers/provider.js";
import type { AwsCommonConfig } from "./config.js";
import { resolveAwsRegion } from "./region.js";
import { PromsdSdkHttpHandler } from "./sdk-http-handler.js";

/** Go SDK v2's default, which Prometheus does not change. */
export const AWS_MAX_ATTEMPTS = 3;

/** The options every SDK client of one discoverer is built with. */
export interface AwsClientOptions {
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly requestHandler: PromsdSdkHttpHandler;
  readonly endpoint?: string;
  readonly maxAttempts: number;
  readonly retryMode: "standard";
}

export interface AwsClientSetup {
  readonly region: string;
  readonly clientOptions: AwsClientOptions;
  /** Closes the HTTP client's connections. */
  close(): void;
}

export interface OpenAwsClientOptions {
  /** The conntrack `dialer_name`, as Prometheus names its client (`ec2_sd`, `lightsail_sd`, …). */
  readonly dialerName: string;
  readonly signal: AbortSignal;
  /**
   * The SDK's region provider (environment + shared config) for the service, given the handler: usually
   * `(requestHandler) => new XClient({ requestHandler }).config.region()`.
   */
  readonly sdkRegion: (requestHandler: PromsdSdkHttpHandler) => Promise<string>;
  /** Defaults to process.env; tests pass their own. */
  readonly env?: NodeJS.ProcessEnv;
}

export async function openAwsClients(config: AwsCommonConfig, deps: Pick<DiscovererDeps, "registry" | "logger">, options: OpenAwsClientOptions): Promise<AwsClientSetup> {
  const http = createHttpClient(config.httpClient, { dialerName: options.dialerName, registry: deps.registry, logger: deps.logger });
  const requestHandler = new PromsdSdkHttpHandler(http, { maxBodyBytes: config.maxBodyBytes });
  try {
    const region = await resolveAwsRegion(config.region, { sdkRegion: () => options.sdkRegion(requestHandler), env: options.env ?? process.env, signal: options.signal });
    const credentials = await credentialsFor(config, region, requestHandler);
    const clientOptions: AwsClientOptions = {
      region,
      credentials,
      requestHandler,
      ...(config.endpoint === "" ? {} : { endpoint: config.endpoint }),
      maxAttempts: AWS_MAX_ATTEMPTS,
      retryMode: "standard",
    };
    return { region, clientOptions, close: () => http.close() };
  } catch (error) {
    http.close();
    throw error;
  }
}

async function credentialsFor(config: AwsCommonConfig, region: string, requestHandler: PromsdSdkHttpHandler): Promise<AwsCredentialIdentityProvider> {
  const providers = await import("@aws-sdk/credential-providers");
  const clientConfig = { region, requestHandler };
  let base: AwsCredentialIdentityProvider;
  if (config.accessKey !== "" && !config.secretKey.isEmpty) {
    const identity: AwsCredentialIdentity = { accessKeyId: config.accessKey, secretAccessKey: config.secretKey.reveal() };
    base = () => Promise.resolve(identity);
  } else {
    base = providers.fromNodeProviderChain({ ...(config.profile === "" ? {} : { profile: config.profile }), clientConfig });
  }
  if (config.roleArn === "") return base;
  return providers.fromTemporaryCredentials({
    masterCredentials: base,
    params: {
      RoleArn: config.roleArn,
      // Go's stscreds names the session after the time; so does promsd.
      RoleSessionName: `promsd-${Date.now()}`,
      ...(config.externalId === "" ? {} : { ExternalId: config.externalId }),
    },
    clientConfig,
  });
}

/** AWS answers after which Prometheus drops its client so the next refresh builds new credentials. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === "AuthFailure" || error.name === "UnauthorizedOperation");
}

/** The SDK error as one log line: its code and message, without request ids. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name !== "Error" && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
}
