/**
 * Its own file (own process): the metadata-server flow of application default credentials. Nothing else
 * is configured, so google-auth-library finds no key file and asks the metadata server, which
 * GCE_METADATA_HOST moves to the loopback fake (with it set, gcp-metadata asks no other host).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startConnectProxy } from "../../testing/cloud/connect-proxy.js";
import { parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { parseGceConfig } from "./config.js";
import { createGceDiscoverer } from "./discoverer.js";
import { startFakeGce } from "./fake-gce.js";

test("gce: application default credentials from the metadata server when no key file exists", async (t) => {
  const dir = await tempDir(t);
  const fake = await startFakeGce(dir);
  t.after(() => fake.close());
  const proxy = await startConnectProxy({ target: fake.port });
  t.after(() => proxy.close());
  for (const key of ["GOOGLE_APPLICATION_CREDENTIALS", "METADATA_SERVER_DETECTION", "GCE_METADATA_IP", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]) delete process.env[key];
  process.env["GCE_METADATA_HOST"] = fake.metadataHost;
  process.env["CLOUDSDK_CONFIG"] = dir; // no gcloud well-known credentials file
  // Only promsd's own client takes the proxy (it reads the env it is given when created).
  process.env["HTTPS_PROXY"] = proxy.url;
  process.env["NO_PROXY"] = "127.0.0.1";
  const config = parseConfigYaml(parseGceConfig, "project: p1\nzone: europe-west1-b");
  const updates = pullUpdates(t, createGceDiscoverer(config, testDeps(), { env: { SSL_CERT_FILE: fake.caFile } }));
  assert.equal((await updates.next())[0]?.targets.length, 3);
  assert.deepEqual(fake.tokenRequests, ["metadata"]);
  assert.deepEqual([...new Set(proxy.connects)], ["compute.googleapis.com:443"]);
});
