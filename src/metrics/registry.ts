/**
 * prom-client helpers. Each Manager owns one Registry (tests create their own, nothing is global), and a
 * metric with a given name is created once per registry even when many providers ask for it.
 */
import { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";

export { Registry };

type Configs<T extends string> = { name: string; help: string; labelNames?: readonly T[] };

function getOrCreate<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<T extends string>(registry: Registry, config: Configs<T>): Counter<T> {
  return getOrCreate(registry, config.name, () => new Counter({ ...config, labelNames: config.labelNames ?? [], registers: [registry] }));
}

export function gauge<T extends string>(registry: Registry, config: Configs<T>): Gauge<T> {
  return getOrCreate(registry, config.name, () => new Gauge({ ...config, labelNames: config.labelNames ?? [], registers: [registry] }));
}

export function summary<T extends string>(registry: Registry, config: Configs<T> & { percentiles?: number[] }): Summary<T> {
  return getOrCreate(registry, config.name, () => new Summary({ percentiles: [0.5, 0.9, 0.99], ...config, labelNames: config.labelNames ?? [], registers: [registry] }));
}

export function histogram<T extends string>(registry: Registry, config: Configs<T> & { buckets: number[] }): Histogram<T> {
  return getOrCreate(registry, config.name, () => new Histogram({ ...config, labelNames: config.labelNames ?? [], registers: [registry] }));
}
