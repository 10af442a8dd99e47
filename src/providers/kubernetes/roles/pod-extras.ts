/**
 * Extra container-port targets of the endpoints and endpointslice roles (spec 6.4, 7.5): every declared
 * port of a backing pod that no endpoint port of this object uses with that pod becomes a target of its
 * own, addressed at the pod's primary IP. Pods are visited in first-seen order (Prometheus: map order).
 */
import { joinHostPort } from "../../../model/address.js";
import type { LabelSet } from "../../../model/labels.js";
import type { Pod } from "../objects.js";
import { addContainerLabels, addContainerPortLabels, addPodMeta, type Labels, type RoleCaches } from "./labels.js";

export class PodExtras {
  readonly #pods = new Map<string, { pod: Pod; usedPorts: Set<number> }>();

  /** Records that `pod` backs a direct target; `portNumber` (when the port has one) is then not an extra. */
  note(pod: Pod, portNumber: number | undefined): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    let entry = this.#pods.get(key);
    if (entry === undefined) {
      entry = { pod, usedPorts: new Set() };
      this.#pods.set(key, entry);
    }
    if (portNumber !== undefined) entry.usedPorts.add(portNumber);
  }

  /** Appends the extra targets to `targets`. Pods without IP give none (3.x). */
  appendTo(targets: LabelSet[], caches: RoleCaches): void {
    for (const { pod, usedPorts } of this.#pods.values()) {
      if (pod.podIP === "") continue;
      for (const container of pod.containers) {
        for (const port of container.ports) {
          if (usedPorts.has(port.containerPort)) continue;
          const target: Labels = { __address__: joinHostPort(pod.podIP, port.containerPort) };
          addPodMeta(target, pod, caches);
          addContainerLabels(target, container);
          addContainerPortLabels(target, port, port.protocol);
          targets.push(target);
        }
      }
    }
  }
}
