/**
 * A fake Uyuni server speaking XML-RPC on `POST /rpc/api` (text/xml), with the four methods Prometheus calls:
 * `auth.login(user, password, seconds)` → session token, `system.listSystemGroupsForSystemsWithEntitlement(
 * token, entitlement)`, `system.monitoring.listEndpoints(token, ids)`, `system.getNetworkForSystems(token,
 * ids)`. A wrong password or an unknown/expired token is an XML-RPC fault, as Uyuni answers. Tests script
 * it: replace the systems, replace one method's answer with raw XML, queue misbehaving HTTP answers, read
 * every call received (method and decoded parameters) and expire the session tokens.
 */
import type { IncomingHttpHeaders } from "node:http";
import { requestBody, startServer, type TestServer } from "../../http/test-support.js";
import { AnswerScript, writeScriptedAnswer, type ScriptedAnswer } from "../../testing/scripted-answer.js";
import { XmlTokenizer, type XmlToken } from "../../xml/xml-tokenizer.js";

export interface FakeUyuniEndpoint {
  readonly endpoint_name: string;
  readonly port: number;
  readonly path?: string;
  readonly module?: string;
  readonly exporter_name?: string;
  readonly tls_enabled?: boolean;
}

export interface FakeUyuniSystem {
  readonly id: number;
  readonly entitlements?: readonly string[];
  readonly groups?: readonly { readonly id: number; readonly name: string }[];
  /** Omitted: the system has no network entry. */
  readonly network?: { readonly hostname: string; readonly primary_fqdn?: string; readonly ip?: string };
  readonly endpoints?: readonly FakeUyuniEndpoint[];
}

/** An XML-RPC value as the fake writes it. */
export type FakeRpcValue = string | number | boolean | readonly FakeRpcValue[] | { readonly [member: string]: FakeRpcValue };
type ParsedValue = string | number | boolean | ParsedValue[] | { [member: string]: ParsedValue };

export interface FakeUyuniCall {
  readonly method: string;
  readonly params: readonly ParsedValue[];
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

export interface FakeUyuni {
  /** The base URL to use as `server`. */
  readonly url: string;
  readonly calls: readonly FakeUyuniCall[];
  setSystems(systems: readonly FakeUyuniSystem[]): void;
  /** Answers `method` with this raw methodResponse document (200, text/xml) instead of computing it. */
  setRawAnswer(method: string, xml: string | undefined): void;
  /** Invalidates every session token (the next call with one gets a fault). */
  expireTokens(): void;
  readonly script: AnswerScript;
  close(): Promise<void>;
}

const escape = (text: string): string => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function encodeRpcValue(value: FakeRpcValue): string {
  if (typeof value === "string") return `<value><string>${escape(value)}</string></value>`;
  if (typeof value === "number") return `<value><int>${value}</int></value>`;
  if (typeof value === "boolean") return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (Array.isArray(value)) return `<value><array><data>\n${value.map((v: FakeRpcValue) => encodeRpcValue(v)).join("\n")}\n</data></array></value>`;
  return `<value><struct>\n${Object.entries(value).map(([k, v]) => `<member><name>${escape(k)}</name>${encodeRpcValue(v)}</member>`).join("\n")}\n</struct></value>`;
}

export const rpcResponse = (value: FakeRpcValue): string => `<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse>\n<params>\n<param>\n${encodeRpcValue(value)}\n</param>\n</params>\n</methodResponse>\n`;
export const rpcFault = (code: number, message: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<methodResponse>\n<fault>\n${encodeRpcValue({ faultCode: code, faultString: message })}\n</fault>\n</methodResponse>\n`;

/** A generic (not kolo-faithful) reader for the calls the fake receives. */
function parseMethodCall(body: string): { method: string; params: ParsedValue[] } {
  const xml = new XmlTokenizer(body);
  const tokens: XmlToken[] = [];
  for (;;) {
    try {
      tokens.push(xml.next());
    } catch {
      break;
    }
  }
  let i = 0;
  const text = (): string => {
    let out = "";
    while (tokens[i]?.kind === "text") out += (tokens[i++] as { text: string }).text;
    return out;
  };
  const skipText = (): void => {
    while (tokens[i]?.kind === "text" || tokens[i]?.kind === "procinst") i++;
  };
  const value = (): ParsedValue => {
    // at <value>
    i++;
    const lead = text();
    const start = tokens[i];
    if (start?.kind !== "start") {
      i++;
      return lead;
    }
    i++;
    let result: ParsedValue;
    if (start.name.local === "array") {
      skipText();
      i++; // <data>
      const items: ParsedValue[] = [];
      for (skipText(); tokens[i]?.kind === "start"; skipText()) items.push(value());
      i += 2; // </data></array>
      result = items;
    } else if (start.name.local === "struct") {
      const members: Record<string, ParsedValue> = {};
      for (skipText(); tokens[i]?.kind === "start"; skipText()) {
        i += 2; // <member><name>
        const name = text();
        i++; // </name>
        skipText();
        members[name] = value();
        skipText();
        i++; // </member>
      }
      i++; // </struct>
      result = members;
    } else {
      const raw = text();
      i++; // </type>
      result = start.name.local === "int" || start.name.local === "i4" ? Number(raw) : start.name.local === "boolean" ? raw === "1" : raw;
    }
    skipText();
    i++; // </value>
    return result;
  };
  let method = "";
  const params: ParsedValue[] = [];
  while (i < tokens.length) {
    const token = tokens[i];
    if (token?.kind === "start" && token.name.local === "methodName") {
      i++;
      method = text();
    } else if (token?.kind === "start" && token.name.local === "value") {
      params.push(value());
      continue;
    }
    i++;
  }
  return { method, params };
}

export async function startFakeUyuni(options: { systems?: readonly FakeUyuniSystem[]; username?: string; password?: string; port?: number } = {}): Promise<FakeUyuni> {
  let systems = options.systems ?? [];
  const username = options.username ?? "admin";
  const password = options.password ?? "secret";
  const raw = new Map<string, string>();
  const tokens = new Set<string>();
  let issued = 0;
  const calls: FakeUyuniCall[] = [];
  const script = new AnswerScript();

  const answer = (method: string, params: readonly ParsedValue[]): string => {
    if (method === "auth.login") {
      if (params[0] !== username || params[1] !== password) return rpcFault(2950, "Either the password or username is incorrect.");
      const token = `token-${++issued}`;
      tokens.add(token);
      return rpcResponse(token);
    }
    if (typeof params[0] !== "string" || !tokens.has(params[0])) return rpcFault(2950, "Could not find session");
    const ids = new Set(Array.isArray(params[1]) ? params[1] : []);
    const wanted = systems.filter((s) => ids.has(s.id));
    switch (method) {
      case "system.listSystemGroupsForSystemsWithEntitlement":
        return rpcResponse(systems.filter((s) => (s.entitlements ?? ["monitoring_entitled"]).includes(String(params[1]))).map((s) => ({ id: s.id, system_groups: (s.groups ?? []).map((g) => ({ id: g.id, name: g.name, subscribed: 1 })) })));
      case "system.getNetworkForSystems":
        return rpcResponse(wanted.filter((s) => s.network !== undefined).map((s) => ({ system_id: s.id, hostname: s.network?.hostname ?? "", primary_fqdn: s.network?.primary_fqdn ?? "", ip: s.network?.ip ?? "" })));
      case "system.monitoring.listEndpoints":
        return rpcResponse(wanted.flatMap((s) => (s.endpoints ?? []).map((e) => ({ system_id: s.id, endpoint_name: e.endpoint_name, port: e.port, path: e.path ?? "/metrics", module: e.module ?? "", exporter_name: e.exporter_name ?? "node_exporter", tls_enabled: e.tls_enabled ?? false }))));
      default:
        return rpcFault(-1, `Could not find method: ${method}`);
    }
  };

  const server: TestServer = await startServer((request, response) => {
    void requestBody(request).then((rawBody) => {
      if (request.method !== "POST" || request.url !== "/rpc/api") {
        response.writeHead(404).end();
        return;
      }
      const { method, params } = parseMethodCall(rawBody);
      calls.push({ method, params, headers: request.headers, rawBody });
      const scripted: ScriptedAnswer | undefined = script.take();
      if (scripted !== undefined) {
        writeScriptedAnswer(response, scripted);
        return;
      }
      writeScriptedAnswer(response, { status: 200, body: raw.get(method) ?? answer(method, params), contentType: "text/xml" });
    });
  }, options.port !== undefined ? { port: options.port } : {});
  return {
    url: server.origin,
    calls,
    setSystems: (next) => {
      systems = next;
    },
    setRawAnswer: (method, xml) => {
      if (xml === undefined) raw.delete(method);
      else raw.set(method, xml);
    },
    expireTokens: () => tokens.clear(),
    script,
    close: () => server.close(),
  };
}
