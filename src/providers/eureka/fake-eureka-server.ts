/**
 * A fake Eureka server speaking the one endpoint Prometheus uses, `GET <base>/apps`, answered in XML the way
 * Eureka renders it (as in Prometheus's client_test.go fixture: `<applications>` with `versions__delta`,
 * `apps__hashcode`, `<application>` per app and `<instance>` per registration). Tests script it: replace the
 * applications, serve a raw document, queue misbehaving answers, and read the requests it received.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ServerOptions } from "node:https";
import { startServer, type TestServer } from "../../http/test-support.js";
import { AnswerScript, writeScriptedAnswer, type ScriptedAnswer } from "../../testing/scripted-answer.js";

export interface FakeEurekaPort {
  readonly port: number | string;
  readonly enabled?: boolean | string;
}

export interface FakeEurekaInstance {
  readonly instanceId?: string;
  readonly hostName?: string;
  readonly app?: string;
  readonly ipAddr?: string;
  readonly status?: string;
  readonly port?: FakeEurekaPort;
  readonly securePort?: FakeEurekaPort;
  readonly countryId?: number | string;
  readonly dataCenterInfo?: { readonly name: string; readonly metadata?: Readonly<Record<string, string>> };
  /** Element name → raw inner XML (written as is: escape it yourself). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly homePageUrl?: string;
  readonly statusPageUrl?: string;
  readonly healthCheckUrl?: string;
  readonly vipAddress?: string;
  readonly secureVipAddress?: string;
}

export interface FakeEurekaApplication {
  readonly name: string;
  readonly instances: readonly FakeEurekaInstance[];
}

export interface FakeEurekaRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FakeEureka {
  /** The base URL to use as `server` (`http://127.0.0.1:<port>/eureka`). */
  readonly url: string;
  readonly requests: readonly FakeEurekaRequest[];
  setApplications(apps: readonly FakeEurekaApplication[]): void;
  /** Serves this exact document instead of rendering the applications. */
  setDocument(xml: string | undefined): void;
  readonly script: AnswerScript;
  close(): Promise<void>;
}

const escapeText = (text: string): string => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const element = (name: string, value: string | number | undefined): string => (value === undefined ? "" : `      <${name}>${escapeText(String(value))}</${name}>\n`);
const port = (name: string, p: FakeEurekaPort | undefined): string => (p === undefined ? "" : `      <${name} enabled="${String(p.enabled ?? true)}">${p.port}</${name}>\n`);
const rawMetadata = (items: Readonly<Record<string, string>>, indent: string): string => Object.entries(items).map(([k, v]) => `${indent}<${k}>${v}</${k}>\n`).join("");

function renderInstance(app: FakeEurekaApplication, i: FakeEurekaInstance): string {
  const dataCenter = i.dataCenterInfo === undefined ? "" : `      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">\n        <name>${escapeText(i.dataCenterInfo.name)}</name>\n${i.dataCenterInfo.metadata === undefined ? "" : `        <metadata>\n${rawMetadata(i.dataCenterInfo.metadata, "          ")}        </metadata>\n`}      </dataCenterInfo>\n`;
  return "    <instance>\n" + element("instanceId", i.instanceId) + element("hostName", i.hostName) + element("app", i.app ?? app.name) + element("ipAddr", i.ipAddr) +
    element("status", i.status ?? "UP") + "      <overriddenstatus>UNKNOWN</overriddenstatus>\n" + port("port", i.port) + port("securePort", i.securePort) +
    element("countryId", i.countryId ?? 1) + dataCenter +
    "      <leaseInfo>\n        <renewalIntervalInSecs>30</renewalIntervalInSecs>\n        <durationInSecs>90</durationInSecs>\n      </leaseInfo>\n" +
    (i.metadata === undefined ? "" : `      <metadata>\n${rawMetadata(i.metadata, "        ")}      </metadata>\n`) +
    element("homePageUrl", i.homePageUrl) + element("statusPageUrl", i.statusPageUrl) + element("healthCheckUrl", i.healthCheckUrl) +
    element("vipAddress", i.vipAddress) + element("secureVipAddress", i.secureVipAddress) +
    "      <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>\n      <actionType>ADDED</actionType>\n    </instance>\n";
}

/** Renders applications as Eureka's `/apps` XML. */
export function renderEurekaApplications(apps: readonly FakeEurekaApplication[]): string {
  const body = apps.map((app) => `  <application>\n    <name>${escapeText(app.name)}</name>\n${app.instances.map((i) => renderInstance(app, i)).join("")}  </application>\n`).join("");
  return `<applications>\n  <versions__delta>1</versions__delta>\n  <apps__hashcode>UP_${apps.length}_</apps__hashcode>\n${body}</applications>`;
}

/** `port`: listen on this port (to bring a server up where a client already tries to reach it). */
export async function startFakeEureka(options: { applications?: readonly FakeEurekaApplication[]; tls?: ServerOptions; port?: number } = {}): Promise<FakeEureka> {
  let applications = options.applications ?? [];
  let document: string | undefined;
  const script = new AnswerScript();
  const requests: FakeEurekaRequest[] = [];
  const server: TestServer = await startServer((request, response) => {
    requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    if (request.method !== "GET" || request.url !== "/eureka/apps") {
      response.writeHead(404, { "content-type": "application/xml" }).end("");
      return;
    }
    const answer: ScriptedAnswer = script.take() ?? { status: 200, body: document ?? renderEurekaApplications(applications), contentType: "application/xml" };
    writeScriptedAnswer(response, answer);
  }, { ...(options.tls ? { tls: options.tls } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
  return {
    url: `${server.origin}/eureka`,
    requests,
    setApplications: (next) => {
      applications = next;
    },
    setDocument: (xml) => {
      document = xml;
    },
    script,
    close: () => server.close(),
  };
}
