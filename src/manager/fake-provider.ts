/**
 * A scriptable SD mechanism for manager tests: every discoverer it creates yields exactly what the test pushes,
 * ends or throws when told to, and honours the abort signal like a real provider.
 */
import type { Secret } from "../config/secret.js";
import type { LabelSet } from "../model/labels.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Discoverer, DiscovererDeps, ProviderDefinition, SdConfig } from "../providers/provider.js";
import { ConfigLocation } from "../yaml/location.js";

export interface FakeConfig {
  readonly files: readonly string[];
  readonly secret?: Secret;
  /** createDiscoverer throws for this config. */
  readonly failCreate?: boolean;
}

type Step =
  | { readonly kind: "groups"; readonly groups: readonly (TargetGroup | null)[] }
  | { readonly kind: "end" }
  | { readonly kind: "throw"; readonly error: Error };

export class FakeDiscoverer implements Discoverer {
  readonly #steps: Step[] = [];
  #wake: (() => void) | undefined;
  isStarted = false;
  isStopped = false;

  constructor(
    readonly config: FakeConfig,
    readonly deps: DiscovererDeps,
  ) {}

  /** Queues one update (a list of groups, `null` entries allowed). */
  push(groups: readonly (TargetGroup | null)[]): void {
    this.#enqueue({ kind: "groups", groups });
  }

  /** Ends the iterable, as a discoverer whose channel closes. */
  end(): void {
    this.#enqueue({ kind: "end" });
  }

  /** Makes the iterable throw (a provider bug). */
  fail(error: Error): void {
    this.#enqueue({ kind: "throw", error });
  }

  async *discover(signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
    this.isStarted = true;
    try {
      while (!signal.aborted) {
        const step = this.#steps.shift();
        if (step === undefined) {
          await this.#waitForStep(signal);
          continue;
        }
        if (step.kind === "end") return;
        if (step.kind === "throw") throw step.error;
        // `as`: the contract has no nulls, but Prometheus tolerates them and so must the manager (core.md 2.3).
        yield step.groups as readonly TargetGroup[];
      }
    } finally {
      this.isStopped = true;
    }
  }

  #enqueue(step: Step): void {
    this.#steps.push(step);
    this.#wake?.();
  }

  #waitForStep(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** A fake mechanism; `name` defaults to "file" so provider names read like the spec's (`file/0`). */
export class FakeMechanism {
  readonly created: FakeDiscoverer[] = [];
  readonly definition: ProviderDefinition<FakeConfig>;

  constructor(readonly name = "file") {
    this.definition = {
      name,
      configKey: `${name}_sd_configs`,
      parseConfig: () => {
        throw new Error("FakeMechanism configs are built by the test, not parsed");
      },
      createDiscoverer: (config, deps) => {
        if (config.failCreate === true) throw new Error(`cannot read ${config.files.join(",")}`);
        const discoverer = new FakeDiscoverer(config, deps);
        this.created.push(discoverer);
        return discoverer;
      },
    };
  }

  /** SdConfig as a job carries it. */
  sd(config: FakeConfig): SdConfig {
    return { provider: this.name, config, at: new ConfigLocation("prometheus.yml", 1, "scrape_configs[0]") };
  }

  /** Discoverers that are running (started and not stopped). */
  running(): FakeDiscoverer[] {
    return this.created.filter((d) => d.isStarted && !d.isStopped);
  }
}

/** A group with one `__address__` target per address. */
export function group(source: string, addresses: readonly string[], labels: LabelSet = {}): TargetGroup {
  return { source, labels, targets: addresses.map((address) => ({ __address__: address })) };
}
