/**
 * The configuration keys every AWS mechanism shares (Prometheus `discovery/aws`: ec2.go, lightsail.go,
 * ecs.go, …, and the unified aws.go): where to talk to (`region`, `endpoint`), which credentials
 * (`access_key`/`secret_key`, `profile`, `role_arn` + `external_id`), how often (`refresh_interval`), which
 * port targets get, and the inline HTTP client block (TLS, proxy, …) that the SDK's requests go through.
 *
 * Region resolution is deferred to discovery (./region.ts), as in Prometheus 3.x, so `promsd check config`
 * does no network I/O. Prometheus 2.42 resolved an empty region at config load by asking the instance
 * metadata service; promsd's v2.42 profile treats that service as unreachable at load and rejects the
 * config with 2.42's message ("EC2 SD configuration requires a region").
 */
import { readHttpClientConfig, type HttpClientConfig, type UnvalidatedHttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";

/** What every AWS role is configured with; field names follow Prometheus's YAML keys. */
export interface AwsCommonConfig {
  /** Empty: the SDK's endpoint for the region (or `AWS_ENDPOINT_URL_<SERVICE>`). */
  readonly endpoint: string;
  /** Empty: resolved when discovery starts (environment, shared config, then the metadata service). */
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: Secret;
  /** Shared config/credentials profile; empty: the SDK's default chain. */
  readonly profile: string;
  /** Assumed through STS with the credentials above; empty: no assume-role. */
  readonly roleArn: string;
  /** 3.x only. */
  readonly externalId: string;
  readonly refreshIntervalMs: number;
  readonly port: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on one API answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

/** promsd's cap on one AWS API answer: an EC2 page of 1000 instances is a few MiB. */
export const AWS_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The common keys as read, before the mechanism applies its defaults and checks. */
export interface AwsCommonKeys {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: Secret;
  readonly profile: string;
  readonly roleArn: string;
  readonly externalId: string;
  readonly refreshIntervalMs: number | undefined;
  readonly port: number | undefined;
  readonly httpClient: UnvalidatedHttpClientConfig;
}

/**
 * Reads the shared keys from `reader` (decode errors now); `external_id` exists only in 3.x, so under the
 * v2.42 profile it stays unread and `reader.finish()` rejects it as 2.42's strict decoder does.
 */
export function readAwsCommonKeys(reader: MapReader, ctx: ParseContext): AwsCommonKeys {
  return {
    endpoint: reader.string("endpoint") ?? "",
    region: reader.string("region") ?? "",
    accessKey: reader.string("access_key") ?? "",
    secretKey: reader.secret("secret_key") ?? new Secret(""),
    profile: reader.string("profile") ?? "",
    roleArn: reader.string("role_arn") ?? "",
    externalId: ctx.profile === "v3" ? reader.string("external_id") ?? "" : "",
    refreshIntervalMs: reader.duration("refresh_interval", ctx.profile),
    port: reader.int("port"),
    httpClient: readHttpClientConfig(reader, ctx),
  };
}

export interface AwsDefaults {
  readonly port: number;
  readonly refreshIntervalMs: number;
}

/**
 * Applies a mechanism's defaults to keys already read. `isZeroDefault`: in the unified `aws_sd_configs`
 * a written `port: 0` or `refresh_interval: 0` means "the role's default" (Go's `omitempty` + `!= 0`
 * checks in aws.go); in the standalone keys a written 0 stays 0.
 */
export function applyAwsDefaults(keys: AwsCommonKeys, httpClient: HttpClientConfig, defaults: AwsDefaults, isZeroDefault: boolean): AwsCommonConfig {
  const pick = (value: number | undefined, fallback: number): number => (value === undefined || (isZeroDefault && value === 0) ? fallback : value);
  return {
    endpoint: keys.endpoint,
    region: keys.region,
    accessKey: keys.accessKey,
    secretKey: keys.secretKey,
    profile: keys.profile,
    roleArn: keys.roleArn,
    externalId: keys.externalId,
    refreshIntervalMs: pick(keys.refreshIntervalMs, defaults.refreshIntervalMs),
    port: pick(keys.port, defaults.port),
    httpClient,
    maxBodyBytes: AWS_MAX_BODY_BYTES,
  };
}

/** promsd's own check: a zero refresh interval makes Prometheus's ticker panic, so promsd rejects it. */
export function checkRefreshInterval(config: AwsCommonConfig, reader: MapReader): void {
  if (config.refreshIntervalMs === 0) {
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  }
}

/** Under v2.42 an empty region is an error at load (see the module comment); `title` is "EC2" or "Lightsail". */
export function checkRegionAtLoad(keys: AwsCommonKeys, reader: MapReader, ctx: ParseContext, title: string): void {
  if (ctx.profile !== "v2.42" || keys.region !== "") return;
  const at: ConfigLocation = reader.has("region") ? reader.atKey("region") : reader.at;
  throw new ConfigError(at, `${title} SD configuration requires a region`, "set `region` (Prometheus 2.42 asks the instance metadata service at load, which promsd does not do)");
}

/** One `filters` entry (EC2, RDS): passed to the API as given. */
export interface AwsFilter {
  readonly name: string;
  readonly values: readonly string[];
}

/** Reads `filters`; `typeName` is the Go type strict decoding names (`aws.Filter`, 2.42's `aws.EC2Filter`). */
export function readAwsFilters(reader: MapReader, typeName: string): AwsFilter[] {
  return (reader.list("filters", `[]*${typeName}`) ?? []).map(({ value, at }) => {
    const filter = MapReader.open(value, at, typeName);
    const result = { name: filter.string("name") ?? "", values: filter.stringList("values") ?? [] };
    filter.finish();
    return result;
  });
}
