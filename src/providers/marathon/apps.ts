/**
 * Decoding of Marathon's `/v2/apps/?embed=apps.tasks` answer with Go encoding/json semantics (spec
 * common.md 8, marathon.md 2.1): field names match case-insensitively and the last match wins, unknown
 * fields are ignored, `null` leaves a field empty, and a value of the wrong type (a string port, a negative
 * or fractional port) fails the whole document.
 */
export interface MarathonPortMapping {
  readonly labels: Readonly<Record<string, string>>;
  readonly containerPort: number;
  readonly hostPort: number;
  readonly servicePort: number;
}

export interface MarathonTask {
  readonly id: string;
  readonly host: string;
  readonly ports: readonly number[];
  readonly ipAddresses: readonly { readonly ipAddress: string; readonly protocol: string }[];
}

export interface MarathonApp {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image: string;
  readonly containerPortMappings: readonly MarathonPortMapping[];
  readonly dockerPortMappings: readonly MarathonPortMapping[];
  readonly portDefinitions: readonly { readonly port: number; readonly labels: Readonly<Record<string, string>> }[];
  readonly networks: readonly { readonly name: string; readonly mode: string }[];
  readonly requirePorts: boolean;
  readonly tasks: readonly MarathonTask[];
}

/** A body Go's decoder would reject; the message imitates encoding/json's. */
export class MarathonDecodeError extends Error {
  override readonly name = "MarathonDecodeError";
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function typeName(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

function mismatch(value: Json, goType: string, field: string): MarathonDecodeError {
  const shown = typeof value === "number" ? `number ${value}` : typeName(value);
  return new MarathonDecodeError(`json: cannot unmarshal ${shown} into Go struct field ${field} of type ${goType}`);
}

/** Reads a JSON object as a Go struct: `fields` maps lower-case field names to their JSON values. */
function fields(value: Json, goType: string, field: string): Map<string, Json> {
  const out = new Map<string, Json>();
  if (value === null) return out;
  if (typeof value !== "object" || Array.isArray(value)) throw mismatch(value, goType, field);
  for (const [key, item] of Object.entries(value)) out.set(key.toLowerCase(), item);
  return out;
}

function str(value: Json | undefined, field: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw mismatch(value, "string", field);
  return value;
}

function bool(value: Json | undefined, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw mismatch(value, "bool", field);
  return value;
}

function uint32(value: Json | undefined, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw mismatch(value, "uint32", field);
  return value;
}

function list<T>(value: Json | undefined, field: string, item: (element: Json) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw mismatch(value, "[]", field);
  return value.map(item);
}

function stringMap(value: Json | undefined, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw mismatch(value, "map[string]string", field);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) out[key] = str(item, field);
  return out;
}

function portMapping(value: Json): MarathonPortMapping {
  const f = fields(value, "marathon.portMapping", "portMappings");
  return {
    labels: stringMap(f.get("labels"), "portMapping.labels"),
    containerPort: uint32(f.get("containerport"), "portMapping.containerPort"),
    hostPort: uint32(f.get("hostport"), "portMapping.hostPort"),
    servicePort: uint32(f.get("serviceport"), "portMapping.servicePort"),
  };
}

function task(value: Json): MarathonTask {
  const f = fields(value, "marathon.task", "tasks");
  return {
    id: str(f.get("id"), "task.id"),
    host: str(f.get("host"), "task.host"),
    ports: list(f.get("ports"), "task.ports", (p) => uint32(p, "task.ports")),
    ipAddresses: list(f.get("ipaddresses"), "task.ipAddresses", (a) => {
      const af = fields(a, "marathon.ipAddress", "ipAddresses");
      return { ipAddress: str(af.get("ipaddress"), "ipAddress.ipAddress"), protocol: str(af.get("protocol"), "ipAddress.protocol") };
    }),
  };
}

function app(value: Json): MarathonApp {
  const f = fields(value, "marathon.app", "apps");
  const container = fields(f.get("container") ?? null, "marathon.container", "app.container");
  const docker = fields(container.get("docker") ?? null, "marathon.dockerContainer", "container.docker");
  const running = f.get("tasksrunning");
  if (running !== undefined && running !== null && (typeof running !== "number" || !Number.isInteger(running))) throw mismatch(running, "int", "app.tasksRunning");
  return {
    id: str(f.get("id"), "app.id"),
    labels: stringMap(f.get("labels"), "app.labels"),
    image: str(docker.get("image"), "dockerContainer.image"),
    containerPortMappings: list(container.get("portmappings"), "container.portMappings", portMapping),
    dockerPortMappings: list(docker.get("portmappings"), "dockerContainer.portMappings", portMapping),
    portDefinitions: list(f.get("portdefinitions"), "app.portDefinitions", (d) => {
      const df = fields(d, "marathon.portDefinition", "portDefinitions");
      return { port: uint32(df.get("port"), "portDefinition.port"), labels: stringMap(df.get("labels"), "portDefinition.labels") };
    }),
    networks: list(f.get("networks"), "app.networks", (n) => {
      const nf = fields(n, "marathon.network", "networks");
      return { name: str(nf.get("name"), "network.name"), mode: str(nf.get("mode"), "network.mode") };
    }),
    requirePorts: bool(f.get("requireports"), "app.requirePorts"),
    tasks: list(f.get("tasks"), "app.tasks", task),
  };
}

/** Decodes the whole response body; throws MarathonDecodeError. */
export function decodeAppList(body: Buffer): MarathonApp[] {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) throw new MarathonDecodeError("invalid character 'ï' looking for beginning of value");
  let parsed: Json;
  try {
    parsed = JSON.parse(body.toString("utf8")) as Json; // JSON.parse yields exactly the Json union
  } catch (error) {
    throw new MarathonDecodeError(body.length === 0 ? "unexpected end of JSON input" : (error as Error).message);
  }
  return list(fields(parsed, "marathon.appList", "appList").get("apps"), "appList.apps", app);
}
