/**
 * Marathon apps → target groups (spec marathon.md 3): one group per app id, one target per port of every
 * task, ports chosen by Prometheus's rules (container port mappings, legacy docker port mappings, port
 * definitions, else the first task with ports, whose ports every later task then reuses).
 */
import { joinHostPort } from "../../model/address.js";
import { ADDRESS_LABEL, type LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { MarathonApp, MarathonTask } from "./apps.js";

export const META_MARATHON_APP = "__meta_marathon_app";
export const META_MARATHON_IMAGE = "__meta_marathon_image";
export const META_MARATHON_TASK = "__meta_marathon_task";
export const META_MARATHON_PORT_INDEX = "__meta_marathon_port_index";
export const META_MARATHON_APP_LABEL_PREFIX = "__meta_marathon_app_label_";
export const META_MARATHON_PORT_MAPPING_LABEL_PREFIX = "__meta_marathon_port_mapping_label_";
export const META_MARATHON_PORT_DEFINITION_LABEL_PREFIX = "__meta_marathon_port_definition_label_";

interface PortChoice {
  ports: number[];
  labels: readonly Readonly<Record<string, string>>[];
  prefix: string;
}

function isContainerNetwork(app: MarathonApp): boolean {
  return app.networks[0]?.mode === "container";
}

/** The app-level port list (marathon.md 3.1); rule 4 starts empty and is filled from the first task. */
function appPorts(app: MarathonApp): PortChoice {
  const mappings = app.containerPortMappings.length > 0 ? app.containerPortMappings : app.dockerPortMappings;
  if (mappings.length > 0) {
    const onContainerNetwork = isContainerNetwork(app);
    return {
      ports: mappings.map((m) => (onContainerNetwork ? m.containerPort : m.hostPort)),
      labels: mappings.map((m) => m.labels),
      prefix: META_MARATHON_PORT_MAPPING_LABEL_PREFIX,
    };
  }
  if (app.portDefinitions.length > 0) {
    return {
      ports: app.portDefinitions.map((d) => (app.requirePorts ? d.port : 0)),
      labels: app.portDefinitions.map((d) => d.labels),
      prefix: META_MARATHON_PORT_DEFINITION_LABEL_PREFIX,
    };
  }
  return { ports: [], labels: [], prefix: "" };
}

function taskTargets(app: MarathonApp, task: MarathonTask, choice: PortChoice): LabelSet[] {
  const firstIp = task.ipAddresses[0]?.ipAddress;
  const host = isContainerNetwork(app) && firstIp !== undefined ? firstIp : task.host;
  return choice.ports.map((listed, index) => {
    // A 0 port was auto-assigned by Marathon: take the task's host port when the lists line up.
    const port = listed === 0 && task.ports.length === choice.ports.length ? task.ports[index] ?? 0 : listed;
    const target: Record<string, string> = {
      [ADDRESS_LABEL]: joinHostPort(host, port),
      [META_MARATHON_TASK]: task.id,
      [META_MARATHON_PORT_INDEX]: String(index),
    };
    for (const [key, value] of Object.entries(choice.labels[index] ?? {})) target[choice.prefix + sanitizeLabelName(key)] = value;
    return target;
  });
}

export function appToGroup(app: MarathonApp): TargetGroup {
  const labels: Record<string, string> = { [META_MARATHON_APP]: app.id, [META_MARATHON_IMAGE]: app.image };
  for (const [key, value] of Object.entries(app.labels)) labels[META_MARATHON_APP_LABEL_PREFIX + sanitizeLabelName(key)] = value;
  const choice = appPorts(app);
  const targets: LabelSet[] = [];
  for (const task of app.tasks) {
    // Prometheus assumes every task has the same host ports: the first task with ports sets them for all.
    if (choice.ports.length === 0 && task.ports.length > 0) choice.ports = [...task.ports];
    targets.push(...taskTargets(app, task, choice));
  }
  return { source: app.id, labels, targets };
}

/** One group per app id; a later app with the same id replaces the earlier one. */
export function appsToGroups(apps: readonly MarathonApp[]): TargetGroup[] {
  const byId = new Map<string, TargetGroup>();
  for (const app of apps) byId.set(app.id, appToGroup(app));
  return [...byId.values()];
}
