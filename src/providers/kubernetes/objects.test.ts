import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeEndpointSlice, decodeEndpoints, decodeIngress, decodeNode, decodePod, decodeService } from "./objects.js";

const garbage: unknown[] = [null, 42, "x", [], {}, { metadata: 7, spec: "no", status: [] }, { metadata: { labels: { a: 1, b: "ok" }, ownerReferences: "x" } }];

for (const [name, decode] of Object.entries({ decodePod, decodeNode, decodeService, decodeEndpoints, decodeEndpointSlice, decodeIngress })) {
  test(`kubernetes objects: ${name} never throws on malformed input`, () => {
    for (const raw of garbage) assert.doesNotThrow(() => decode(raw), JSON.stringify(raw));
  });
}

test("kubernetes objects: non-string label values are dropped, the rest kept", () => {
  assert.deepEqual(decodePod({ metadata: { labels: { a: 1, b: "ok" } } }).metadata.labels, { b: "ok" });
});

test("kubernetes objects: a pod keeps only what the labels need, containers regular then init with their ids", () => {
  const pod = decodePod({
    metadata: { name: "p", namespace: "n", uid: "u", managedFields: [{ manager: "x" }] },
    spec: { nodeName: "w", initContainers: [{ name: "i", image: "i:1", env: [{ name: "E" }] }], containers: [{ name: "c", image: "c:1", command: ["sh"], ports: [{ containerPort: 80 }] }] },
    status: { podIP: "1.2.3.4", phase: "Running", conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: "False" }], containerStatuses: [{ name: "c", containerID: "cid" }] },
  });
  assert.deepEqual(pod.containers.map((c) => [c.name, c.isInit, c.containerId, c.ports.map((p) => [p.name, p.containerPort, p.protocol])]), [["c", false, "cid", [["", 80, ""]]], ["i", true, "", []]]);
  assert.equal(pod.ready, "false");
  assert.equal("managedFields" in pod.metadata, false);
});

test("kubernetes objects: endpointslice pointer fields stay undefined when absent and keep empty values when present", () => {
  const slice = decodeEndpointSlice({ ports: [{}, { name: "", port: 0 }], endpoints: [{ addresses: ["a"], conditions: {}, targetRef: {} }, { addresses: ["b"], nodeName: "" }] });
  assert.deepEqual(slice.ports[0], { name: undefined, port: undefined, protocol: undefined, appProtocol: undefined });
  assert.equal(slice.ports[1]?.name, "");
  assert.equal(slice.ports[1]?.port, 0);
  assert.deepEqual(slice.endpoints[0]?.targetRef, { kind: "", name: "", namespace: "" });
  assert.equal(slice.endpoints[0]?.ready, undefined);
  assert.equal(slice.endpoints[1]?.nodeName, "");
  assert.equal(slice.endpoints[1]?.targetRef, undefined);
});

test("kubernetes objects: an ingress rule without http has no paths; an http block keeps its paths as written", () => {
  const ing = decodeIngress({ spec: { tls: [{ hosts: ["a", 3] }, { hosts: ["b"] }], rules: [{ host: "h" }, { http: { paths: [{ path: "" }, {}] } }] } });
  assert.deepEqual(ing.tlsHosts, ["a", "b"]);
  assert.deepEqual(ing.rules, [{ host: "h", paths: undefined }, { host: "", paths: ["", ""] }]);
  assert.equal(ing.className, undefined);
});
