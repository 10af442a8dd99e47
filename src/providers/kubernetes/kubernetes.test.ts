import { test } from "node:test";
import { createKubernetesDiscoverer } from "./discoverer.js";
import { FakeCluster } from "./fake-informers.js";
import { loadFixtures, playFixture, testConfig, testDeps, type Fixture } from "./fake-discovery.js";

/** Runs one fixture over in-memory informers. */
async function runFixture(fixture: Fixture): Promise<void> {
  const cluster = new FakeCluster(fixture.objects);
  const config = testConfig(fixture.role, { attach: fixture.attach, ...(fixture.selectors ? { selectors: fixture.selectors } : {}), ...(fixture.namespaces ? { namespaces: fixture.namespaces } : {}) });
  const discoverer = createKubernetesDiscoverer(config, testDeps(), { connect: async () => cluster });
  await playFixture(discoverer, fixture, cluster, { silenceMs: 50, batchMs: 5000 });
}

for (const fixture of loadFixtures()) {
  test(`kubernetes ${fixture.id}: ${fixture.name}`, () => runFixture(fixture));
}
