/**
 * STACKIT IaaS servers → targets, as Prometheus's server.go builds them: servers without `nics` are
 * skipped, the address is the first non-empty public IP of any NIC, else the first private IPv4, joined with
 * `port`; every NIC's IPv4 becomes `__meta_stackit_private_ipv4_<network name>`; only string-valued server
 * labels become `__meta_stackit_label_*` / `__meta_stackit_labelpresent_*`. One group, source `stackit`.
 */
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";

const P = "__meta_stackit_";

/** Go's strconv.FormatUint(uint64(port)): a negative int wraps around. */
function goUint64(port: number): string {
  return port >= 0 ? String(port) : (2n ** 64n + BigInt(port)).toString();
}

function serverTarget(server: GoStruct, project: string, port: number): LabelSet | undefined {
  // Every field is read before anything is skipped: Go's decoder fails the whole answer on a wrong type.
  const nics = server.structs("nics", "stackit.ServerNetwork");
  const labels: Record<string, string> = {
    [`${P}project`]: project,
    [`${P}id`]: server.string("id"),
    [`${P}name`]: server.string("name"),
    [`${P}availability_zone`]: server.string("availabilityZone"),
    [`${P}status`]: server.string("status"),
    [`${P}power_status`]: server.string("powerStatus"),
    [`${P}type`]: server.string("machineType"),
  };
  if (!server.has("nics")) return undefined;
  let address = "";
  let publicIp = "";
  for (const nic of nics) {
    const nicPublic = nic.string("publicIp");
    if (nicPublic !== "" && publicIp === "") {
      publicIp = nicPublic;
      address = nicPublic;
    }
    const ipv4 = nic.string("ipv4");
    if (ipv4 !== "") {
      labels[`${P}private_ipv4_${sanitizeLabelName(nic.string("networkName"))}`] = ipv4;
      if (address === "") address = ipv4;
    }
  }
  if (address === "") return undefined;
  if (publicIp !== "") labels[`${P}public_ipv4`] = publicIp;
  labels.__address__ = joinHostPort(address, goUint64(port));
  const serverLabels = server.raw("labels");
  if (serverLabels !== null && serverLabels !== undefined) {
    GoStruct.of(serverLabels, "map[string]any"); // type check: an object
    for (const [key, value] of Object.entries(serverLabels as Record<string, unknown>)) { // checked: an object
      if (typeof value !== "string") continue;
      labels[`${P}labelpresent_${sanitizeLabelName(key)}`] = "true";
      labels[`${P}label_${sanitizeLabelName(key)}`] = value;
    }
  }
  return labels;
}

export function serversToGroups(body: unknown, project: string, port: number): TargetGroup[] {
  const response = GoStruct.of(body, "stackit.ServerListResponse");
  const targets: LabelSet[] = [];
  for (const server of response.structs("items", "stackit.Server")) {
    const target = serverTarget(server, project, port);
    if (target) targets.push(target);
  }
  return [{ source: "stackit", labels: {}, targets }];
}
