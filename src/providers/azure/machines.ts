/**
 * Pure parts of Azure discovery (Prometheus discovery/azure/azure.go mapFromVM, mapFromVMScaleSetVM,
 * vmToLabelSet): ARM virtual machines to a flat record, and a machine plus its network interfaces to one
 * target with `__meta_azure_*` labels.
 */
import { SourceError } from "../../errors.js";
import { joinHostPort } from "../../model/address.js";
import { setOwnLabel, type LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";

const P = "__meta_azure_";
export const META_AZURE_SUBSCRIPTION_ID = `${P}subscription_id`;
export const META_AZURE_TENANT_ID = `${P}tenant_id`;
export const META_AZURE_MACHINE_ID = `${P}machine_id`;
export const META_AZURE_MACHINE_RESOURCE_GROUP = `${P}machine_resource_group`;
export const META_AZURE_MACHINE_NAME = `${P}machine_name`;
export const META_AZURE_MACHINE_COMPUTER_NAME = `${P}machine_computer_name`;
export const META_AZURE_MACHINE_OS_TYPE = `${P}machine_os_type`;
export const META_AZURE_MACHINE_LOCATION = `${P}machine_location`;
export const META_AZURE_MACHINE_PRIVATE_IP = `${P}machine_private_ip`;
export const META_AZURE_MACHINE_PUBLIC_IP = `${P}machine_public_ip`;
export const META_AZURE_MACHINE_TAG_PREFIX = `${P}machine_tag_`;
export const META_AZURE_MACHINE_SCALE_SET = `${P}machine_scale_set`;
export const META_AZURE_MACHINE_SIZE = `${P}machine_size`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
const text = (value: unknown): string => (typeof value === "string" ? value : "");

export interface AzureMachine {
  readonly id: string;
  readonly name: string;
  readonly computerName: string;
  readonly location: string;
  readonly osType: string;
  /** "" for a standalone VM. */
  readonly scaleSet: string;
  readonly instanceId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly networkInterfaceIds: readonly string[];
  readonly size: string;
}

/** A VM or scale set VM as ARM returns it (same shape; scale set VMs add `instanceId`). */
export function machineFromArm(vm: unknown, scaleSet = ""): AzureMachine {
  const v = record(vm);
  const properties = record(v["properties"]);
  const nics = Array.isArray(record(properties["networkProfile"])["networkInterfaces"]) ? (record(properties["networkProfile"])["networkInterfaces"] as unknown[]) : []; // checked just before
  const tags: Record<string, string> = {};
  for (const [k, value] of Object.entries(record(v["tags"]))) setOwnLabel(tags, k, text(value));
  return {
    id: text(v["id"]),
    name: text(v["name"]),
    computerName: text(record(properties["osProfile"])["computerName"]),
    location: text(v["location"]),
    osType: text(record(record(properties["storageProfile"])["osDisk"])["osType"]),
    scaleSet,
    instanceId: text(v["instanceId"]),
    tags,
    networkInterfaceIds: nics.map((nic) => text(record(nic)["id"])),
    size: text(record(properties["hardwareProfile"])["vmSize"]),
  };
}

export interface MachineContext {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly port: number;
  readonly resourceGroup: string;
}

/**
 * The machine's target, or undefined when it has none: a deallocated machine (a NIC without `primary`) or
 * no primary NIC. Throws when the primary NIC's first IP configuration has no private address, as
 * Prometheus fails the whole refresh then. `nics` are the fetched interfaces in the machine's order;
 * undefined entries (NICs without properties) are skipped.
 */
export function machineTarget(machine: AzureMachine, nics: readonly unknown[], context: MachineContext): LabelSet | undefined {
  const labels: Record<string, string> = {
    [META_AZURE_SUBSCRIPTION_ID]: context.subscriptionId,
    [META_AZURE_TENANT_ID]: context.tenantId,
    [META_AZURE_MACHINE_ID]: machine.id,
    [META_AZURE_MACHINE_NAME]: machine.name,
    [META_AZURE_MACHINE_COMPUTER_NAME]: machine.computerName,
    [META_AZURE_MACHINE_OS_TYPE]: machine.osType,
    [META_AZURE_MACHINE_LOCATION]: machine.location,
    [META_AZURE_MACHINE_RESOURCE_GROUP]: context.resourceGroup,
    [META_AZURE_MACHINE_SIZE]: machine.size,
  };
  if (machine.scaleSet !== "") labels[META_AZURE_MACHINE_SCALE_SET] = machine.scaleSet;
  for (const [k, v] of Object.entries(machine.tags)) setOwnLabel(labels, META_AZURE_MACHINE_TAG_PREFIX + sanitizeLabelName(k), v);
  for (const nic of nics) {
    if (!isRecord(nic) || !isRecord(nic["properties"])) continue;
    const properties = nic["properties"];
    if (typeof properties["primary"] !== "boolean") return undefined; // "Skipping deallocated virtual machine"
    if (!properties["primary"]) continue;
    const ipConfigurations = Array.isArray(properties["ipConfigurations"]) ? properties["ipConfigurations"] : [];
    // Prometheus looks at the first IP configuration only: it returns or fails inside the loop.
    const first = ipConfigurations[0];
    if (first === undefined) continue;
    const ip = record(record(first)["properties"]);
    const publicIp = record(record(ip["publicIPAddress"])["properties"])["ipAddress"];
    if (typeof publicIp === "string") labels[META_AZURE_MACHINE_PUBLIC_IP] = publicIp;
    const privateIp = ip["privateIPAddress"];
    if (typeof privateIp !== "string") throw new SourceError("PROMSD_SOURCE_AZURE_NO_PRIVATE_IP", `unable to complete Azure service discovery: unable to find a private IP for VM ${machine.name}`);
    labels[META_AZURE_MACHINE_PRIVATE_IP] = privateIp;
    labels["__address__"] = joinHostPort(privateIp, context.port);
    return labels;
  }
  return undefined;
}
