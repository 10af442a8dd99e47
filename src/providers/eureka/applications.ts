/**
 * Decodes Eureka's `GET /apps` XML the way Prometheus does (`xml.NewDecoder(body).Decode(&Applications{})`
 * into the structs of discovery/eureka/client.go): the first element is the root whatever its name; fields
 * match child elements by local name; unknown elements are skipped; a repeated field overwrites (a repeated
 * `metadata` appends its items); ints and bools are Go's strconv after TrimSpace, and a bad one fails the
 * whole decode; metadata values are the raw inner XML (`,innerxml`: entities stay encoded). Reading stops at
 * the end of the root element, so anything after it is never looked at, as in Go.
 */
import { goTrimSpace, type XmlToken, type XmlTokenizer } from "../../xml/xml-tokenizer.js";

export interface EurekaPort {
  port: bigint;
  enabled: boolean;
}

export interface EurekaMetadataItem {
  readonly name: string;
  readonly content: string;
}

export interface EurekaInstance {
  hostName: string;
  homePageUrl: string;
  statusPageUrl: string;
  healthCheckUrl: string;
  ipAddr: string;
  vipAddress: string;
  secureVipAddress: string;
  status: string;
  instanceId: string;
  countryId: bigint;
  port: EurekaPort | undefined;
  securePort: EurekaPort | undefined;
  dataCenterInfo: { name: string; metadata: EurekaMetadataItem[] | undefined } | undefined;
  metadata: EurekaMetadataItem[] | undefined;
}

export interface EurekaApplication {
  name: string;
  readonly instances: EurekaInstance[];
}

type StartToken = Extract<XmlToken, { kind: "start" }>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64) after the xml package's TrimSpace; "" (untrimmed) is 0. */
export function goXmlInt(raw: string): bigint {
  if (raw === "") return 0n;
  const text = goTrimSpace(raw);
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** Go's strconv.ParseBool after TrimSpace; "" (untrimmed) is false. */
export function goXmlBool(raw: string): boolean {
  if (raw === "") return false;
  const text = goTrimSpace(raw);
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

/** The element's own character data (nested elements skipped, their text not included), as Go collects it. */
function readCharData(xml: XmlTokenizer): string {
  let text = "";
  for (;;) {
    const token = xml.next();
    if (token.kind === "end") return text;
    if (token.kind === "text") text += token.text;
    else if (token.kind === "start") xml.skip();
  }
}

/** Walks the children of the element just opened, handing each start token to `onChild` (which must consume it). */
function readChildren(xml: XmlTokenizer, onChild: (start: StartToken) => void): void {
  for (;;) {
    const token = xml.next();
    if (token.kind === "end") return;
    if (token.kind === "start") onChild(token);
  }
}

function readPort(xml: XmlTokenizer, start: StartToken, existing: EurekaPort | undefined): EurekaPort {
  const port = existing ?? { port: 0n, enabled: false };
  for (const attr of start.attrs) if (attr.name.local === "enabled") port.enabled = goXmlBool(attr.value);
  port.port = goXmlInt(readCharData(xml));
  return port;
}

/** `,any` children of a metadata element: name and raw inner XML of each. */
function readMetadata(xml: XmlTokenizer, items: EurekaMetadataItem[]): EurekaMetadataItem[] {
  readChildren(xml, (child) => {
    let depth = 0;
    for (;;) {
      const token = xml.next();
      if (token.kind === "start") depth++;
      else if (token.kind === "end") {
        if (depth === 0) {
          items.push({ name: child.name.local, content: xml.raw(child.innerStart, token.tagStart) });
          return;
        }
        depth--;
      }
    }
  });
  return items;
}

type StringField = "hostName" | "homePageUrl" | "statusPageUrl" | "healthCheckUrl" | "ipAddr" | "vipAddress" | "secureVipAddress" | "status" | "instanceId";
const STRING_FIELDS: ReadonlySet<string> = new Set<StringField>(["hostName", "homePageUrl", "statusPageUrl", "healthCheckUrl", "ipAddr", "vipAddress", "secureVipAddress", "status", "instanceId"]);

function readInstance(xml: XmlTokenizer): EurekaInstance {
  const instance: EurekaInstance = {
    hostName: "", homePageUrl: "", statusPageUrl: "", healthCheckUrl: "", ipAddr: "", vipAddress: "", secureVipAddress: "", status: "", instanceId: "",
    countryId: 0n, port: undefined, securePort: undefined, dataCenterInfo: undefined, metadata: undefined,
  };
  readChildren(xml, (child) => {
    const field = child.name.local;
    // Field names as in client.go's struct tags; `app` and `actionType` are decoded by Go but unused.
    if (STRING_FIELDS.has(field)) instance[field as StringField] = readCharData(xml);
    else if (field === "port") instance.port = readPort(xml, child, instance.port);
    else if (field === "securePort") instance.securePort = readPort(xml, child, instance.securePort);
    else if (field === "countryId") instance.countryId = goXmlInt(readCharData(xml));
    else if (field === "isCoordinatingDiscoveryServer") goXmlBool(readCharData(xml));
    else if (field === "metadata") instance.metadata = readMetadata(xml, instance.metadata ?? []);
    else if (field === "dataCenterInfo") {
      const info = instance.dataCenterInfo ?? { name: "", metadata: undefined };
      readChildren(xml, (grandchild) => {
        if (grandchild.name.local === "name") info.name = readCharData(xml);
        else if (grandchild.name.local === "metadata") info.metadata = readMetadata(xml, info.metadata ?? []);
        else xml.skip();
      });
      instance.dataCenterInfo = info;
    } else xml.skip();
  });
  return instance;
}

/** Decodes the document; throws Go's errors (syntax, strconv, `EOF` for a body with no element). */
export function decodeApplications(xml: XmlTokenizer): EurekaApplication[] {
  let root: StartToken | undefined;
  while (root === undefined) {
    const token = xml.next();
    if (token.kind === "start") root = token;
  }
  const applications: EurekaApplication[] = [];
  readChildren(xml, (child) => {
    const field = child.name.local;
    if (field === "versions__delta") goXmlInt(readCharData(xml));
    else if (field === "application") {
      const application: EurekaApplication = { name: "", instances: [] };
      readChildren(xml, (grandchild) => {
        if (grandchild.name.local === "name") application.name = readCharData(xml);
        else if (grandchild.name.local === "instance") application.instances.push(readInstance(xml));
        else xml.skip();
      });
      applications.push(application);
    } else xml.skip();
  });
  return applications;
}

