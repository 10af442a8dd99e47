import { test } from "node:test";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { decodeAppList, MarathonDecodeError } from "./apps.js";
import { appsToGroups } from "./groups.js";

const SEEDS = [
  JSON.stringify({
    apps: [
      {
        id: "/prod/web",
        labels: { team: "a", "prometheus.io/port": "9100" },
        container: { docker: { image: "web:1", portMappings: [{ containerPort: 80, hostPort: 31000, labels: { metrics: "/m" } }] } },
        portDefinitions: [{ port: 10000, labels: {} }],
        tasks: [{ id: "t1", host: "10.0.0.1", ports: [31000], ipAddresses: [{ ipAddress: "172.17.0.2", protocol: "IPv4" }] }],
      },
    ],
  }),
  '{"apps":[]}',
];

test("fuzz Marathon bodies: the app list decodes or throws MarathonDecodeError; groups build without throwing", (t) => {
  const body = fc.oneof(mutatedText(SEEDS, fc.constantFrom('"', ",", ":", "{", "}", "[", "]", "null", "-1", "1e400", "1.5", "\\u0000")), fc.json());
  runFuzz(t, "marathon body", body, (text) => {
    const apps = parsesOrThrowsTyped((s: string) => decodeAppList(Buffer.from(s)), text, [MarathonDecodeError]);
    if (apps) parsesOrThrowsTyped(appsToGroups, apps, []);
  });
});
