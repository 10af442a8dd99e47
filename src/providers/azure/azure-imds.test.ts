/** Its own file (own process): MSAL detects the managed identity source once per process. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { parseAzureConfig } from "./config.js";
import { createAzureDiscoverer } from "./discoverer.js";
import { startFakeAzure, SUBSCRIPTION } from "./fake-azure.js";

test("azure: managed identity through the instance metadata service, its host moved to the fake by AZURE_POD_IDENTITY_AUTHORITY_HOST", async (t) => {
  const dir = await tempDir(t);
  const fake = await startFakeAzure(dir);
  t.after(() => fake.close());
  for (const key of ["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT"]) delete process.env[key];
  process.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = fake.url;
  t.after(() => delete process.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"]);
  const env = { AZURE_ENVIRONMENT_FILEPATH: fake.writeEnvironmentFile(join(dir, "env.json")) };
  const yaml = `environment: AzureStackCloud\nsubscription_id: ${SUBSCRIPTION}\nauthentication_method: ManagedIdentity\nclient_id: user-assigned\ntls_config: {ca_file: ${fake.caFile}}`;
  const updates = pullUpdates(t, createAzureDiscoverer(parseConfigYaml(parseAzureConfig, yaml), testDeps(), { env }));
  assert.equal((await updates.next())[0]?.targets.length, 5);
  assert.deepEqual(fake.tokenRequests.map((r) => [r.flow, r.params["client_id"], r.params["resource"]]), [["imds", "user-assigned", `${fake.url}/`]]);
});
