/**
 * PuppetDB resources to targets (Prometheus discovery/puppetdb/{puppetdb,resources}.go): one target per
 * resource at `<certname>:<port>`, with `__meta_puppetdb_*` labels, tags joined as `,a,b,`, and with
 * `include_parameters` every parameter Go's `Parameters.toLabels` turns into a label (strings, bools,
 * numbers in Go's `%g` shortest form, lists joined with `,`, maps flattened with `<key>_` prefixes).
 */
import { GoStruct, goStructList, joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";

const P = "__meta_puppetdb_";
const SEPARATOR = ",";

/** Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest digits, in exponent form below 1e-4 and from 1e6 up. */
export function goFormatFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  // Shortest formatting decides with precision 6: %e when the exponent is < -4 or >= 6 (even 1e+06).
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  return String(value);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return goFormatFloat(value);
  return undefined;
}

/** Go's Parameters.toLabels; names are sanitized, values that come out empty are left out. */
export function parameterLabels(parameters: Readonly<Record<string, unknown>>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters)) {
    let text: string | undefined;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      // Elements of other kinds (maps, nulls, nested lists) stay as empty strings between separators.
      text = value.map((item) => scalarText(item) ?? "").join(SEPARATOR);
    } else if (typeof value === "object" && value !== null) {
      const prefix = sanitizeLabelName(`${key}_`);
      for (const [name, nested] of Object.entries(parameterLabels(value as Record<string, unknown>))) labels[`${prefix}${name}`] = nested; // checked: a non-array object
      continue;
    } else {
      text = scalarText(value);
    }
    if (text === undefined || text === "") continue;
    labels[sanitizeLabelName(key)] = text;
  }
  return labels;
}

export interface ResourceTargetOptions {
  readonly query: string;
  readonly port: number;
  readonly includeParameters: boolean;
  /** The group's source: `<api url>?query=<query>`. */
  readonly source: string;
}

/** Go formats the port as uint64: a negative `port` wraps around, as in Prometheus. */
function portText(port: number): string {
  return BigInt.asUintN(64, BigInt(port)).toString();
}

/** `body` is the decoded JSON answer of `/pdb/query/v4`; wrong field types fail as Go's json.Unmarshal does. */
export function resourcesToGroup(body: unknown, options: ResourceTargetOptions): TargetGroup {
  const targets: LabelSet[] = goStructList(body, "puppetdb.Resource").map((resource: GoStruct) => {
    const certname = resource.string("certname");
    const labels: Record<string, string> = {
      [`${P}query`]: options.query,
      [`${P}certname`]: certname,
      [`${P}resource`]: resource.string("resource"),
      [`${P}type`]: resource.string("type"),
      [`${P}title`]: resource.string("title"),
      [`${P}exported`]: String(resource.bool("exported")),
      [`${P}file`]: resource.string("file"),
      [`${P}environment`]: resource.string("environment"),
      __address__: joinHostPort(certname, portText(options.port)),
    };
    const tags = resource.strings("tags");
    if (tags.length > 0) labels[`${P}tags`] = `${SEPARATOR}${tags.join(SEPARATOR)}${SEPARATOR}`;
    // Decoded (and type-checked) whether or not include_parameters is set, as Go's json.Unmarshal does.
    const parameters = resource.raw("parameters");
    if (parameters !== null && parameters !== undefined && (typeof parameters !== "object" || Array.isArray(parameters))) {
      resource.stringMap("parameters"); // throws Go's type error for a parameters value that is not an object
    }
    if (options.includeParameters) {
      for (const [name, value] of Object.entries(parameterLabels((parameters ?? {}) as Record<string, unknown>))) labels[`${P}parameter_${name}`] = value; // checked above: an object or nothing
    }
    return labels;
  });
  return { source: options.source, labels: {}, targets };
}
