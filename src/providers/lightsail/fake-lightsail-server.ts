/**
 * A fake Lightsail speaking its JSON protocol (awsJson 1.1: POST /, `X-Amz-Target:
 * Lightsail_20161128.GetInstances`, JSON in and out, errors as `__type`), on 127.0.0.1. Instances are given
 * in Lightsail's wire shape (camelCase, ./instances.ts). With `pageSize`, answers carry `nextPageToken`
 * (and honour `pageToken`), as the real API does for large accounts. Faults come from the shared AWS fake.
 */
import { jsonErrorAnswer, startAwsFake, type AwsFake } from "../../testing/cloud/aws/aws-fake.js";
import type { LightsailInstance } from "./instances.js";

export interface FakeLightsail extends AwsFake {
  setInstances(instances: readonly LightsailInstance[]): void;
}

export async function startFakeLightsail(options: { instances?: readonly LightsailInstance[]; pageSize?: number; port?: number } = {}): Promise<FakeLightsail> {
  let instances = options.instances ?? [];
  const pageSize = options.pageSize ?? 1000;
  const fake = await startAwsFake((request) => {
    if (request.method !== "POST" || request.headers["x-amz-target"] === undefined) return undefined;
    if (request.operation !== "GetInstances") return jsonErrorAnswer("InvalidInputException", 400, `unknown operation ${request.operation}`);
    let input: { pageToken?: unknown } = {};
    try {
      input = JSON.parse(request.body === "" ? "{}" : request.body) as { pageToken?: unknown };
    } catch {
      return jsonErrorAnswer("SerializationException", 400, "body is not JSON");
    }
    const start = typeof input.pageToken === "string" ? Number(input.pageToken) : 0;
    const page = instances.slice(start, start + pageSize);
    const next = start + pageSize < instances.length ? { nextPageToken: String(start + pageSize) } : {};
    return { status: 200, headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify({ instances: page, ...next }) };
  }, options.port === undefined ? {} : { port: options.port });
  return { ...fake, setInstances: (next) => void (instances = next) };
}
