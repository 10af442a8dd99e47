/**
 * Where an AWS mechanism's region comes from when the config leaves `region` empty, in Prometheus 3.x's
 * order (discovery/aws/aws.go `loadRegion`): the SDK's shared configuration (`AWS_REGION`, then
 * `AWS_DEFAULT_REGION` as Go's SDK reads it, then the `region` of the `AWS_PROFILE`/default profile in
 * the shared config file), and last the instance metadata service's identity document. That service is
 * skipped when `AWS_EC2_METADATA_DISABLED=true` and is found at `AWS_EC2_METADATA_SERVICE_ENDPOINT`
 * (tests point it at a loopback fake), exactly the switches the SDKs honour.
 */
import { request as httpRequest } from "node:http";
import { SourceError } from "../../errors.js";

export const IMDS_DEFAULT_ENDPOINT = "http://169.254.169.254";
const IMDS_TIMEOUT_MS = 1000;
const IMDS_MAX_BODY_BYTES = 64 * 1024;
const IDENTITY_DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";

export interface RegionSources {
  /** The SDK's own region provider (environment and shared config), e.g. `client.config.region`. */
  readonly sdkRegion: () => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
}

function regionError(message: string, cause?: unknown): SourceError {
  return new SourceError("PROMSD_SOURCE_AWS_REGION", `could not determine AWS region: ${message}`, cause === undefined ? undefined : { cause });
}

/** The configured region, or the first one the environment, shared config or IMDS gives. */
export async function resolveAwsRegion(configured: string, sources: RegionSources): Promise<string> {
  if (configured !== "") return configured;
  const fromEnv = sources.env["AWS_REGION"] || sources.env["AWS_DEFAULT_REGION"];
  if (fromEnv) return fromEnv;
  const fromSharedConfig = await sources.sdkRegion().catch(() => "");
  if (fromSharedConfig !== "") return fromSharedConfig;
  if (sources.env["AWS_EC2_METADATA_DISABLED"]?.toLowerCase() === "true") {
    throw regionError('failed to get region from IMDS: access disabled to EC2 IMDS via client option, or "AWS_EC2_METADATA_DISABLED" environment variable');
  }
  const endpoint = sources.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] || IMDS_DEFAULT_ENDPOINT;
  let document: string;
  try {
    document = await readIdentityDocument(endpoint, sources.signal);
  } catch (error) {
    throw regionError(`failed to get region from IMDS: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const region = parseDocumentRegion(document);
  if (region === "") throw regionError("region not found in AWS config or IMDS");
  return region;
}

function parseDocumentRegion(document: string): string {
  try {
    const parsed: unknown = JSON.parse(document);
    if (typeof parsed === "object" && parsed !== null && "region" in parsed && typeof parsed.region === "string") return parsed.region;
  } catch {
    // An unreadable document has no region.
  }
  return "";
}

/** IMDSv2: a session token first; a 403/404/405 answer to it means IMDSv1, as the SDKs fall back. */
async function readIdentityDocument(endpoint: string, signal: AbortSignal): Promise<string> {
  const token = await imdsCall(endpoint, "/latest/api/token", "PUT", { "x-aws-ec2-metadata-token-ttl-seconds": "21600" }, signal);
  const headers: Record<string, string> = token.status === 200 ? { "x-aws-ec2-metadata-token": token.body } : {};
  if (token.status !== 200 && ![403, 404, 405].includes(token.status)) throw new Error(`token request: HTTP ${token.status}`);
  const document = await imdsCall(endpoint, IDENTITY_DOCUMENT_PATH, "GET", headers, signal);
  if (document.status !== 200) throw new Error(`identity document: HTTP ${document.status}`);
  return document.body;
}

function imdsCall(endpoint: string, path: string, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number; body: string }> {
  const url = new URL(path, endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, signal: AbortSignal.any([signal, AbortSignal.timeout(IMDS_TIMEOUT_MS)]) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > IMDS_MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${IMDS_MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
