import assert from "node:assert/strict";
import { test } from "node:test";
import { SdBodyScanner } from "./sd-scan.js";

const body = '[{"targets":["10.0.0.1:8080"],"labels":{"job":"k","pod":"a-1"}},' +
  '{"targets":["10.0.0.2:8080"],"labels":{"job":"k","pod":"b-2","sent_at":"1700000000123"}},' +
  '{"targets":["10.0.0.2:9100"],"labels":{"job":"k","pod":"b-2","sent_at":"1700000000123"}},' +
  '{"targets":["10.0.0.3:8080"],"labels":{"job":"k","pod":"c-3","sent_at":"1700000000456"}}]';

test("sd-scan: counts targets and collects marked changes once per pod and sent-at, whatever the chunking", () => {
  for (const size of [1, 7, 40, body.length]) {
    const scanner = new SdBodyScanner();
    for (let i = 0; i < body.length; i += size) scanner.push(body.slice(i, i + size));
    const scan = scanner.end();
    assert.equal(scan.targets, 4, `chunks of ${size}`);
    assert.deepEqual([...scan.changes], [["b-2@1700000000123", 1700000000123], ["c-3@1700000000456", 1700000000456]], `chunks of ${size}`);
  }
});

test("sd-scan: an empty list has no targets", () => {
  const scanner = new SdBodyScanner();
  scanner.push("[]");
  assert.deepEqual(scanner.end(), { targets: 0, changes: new Map() });
});
