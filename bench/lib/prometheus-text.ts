/** Reads samples out of a Prometheus text exposition (a daemon's /metrics), for benches. */

/**
 * The value of the sample `name{labels}`: the labels given must all match, others may be present.
 * Undefined when no sample matches.
 */
export function sampleValue(exposition: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(name) || line.startsWith("#")) continue;
    const rest = line.slice(name.length);
    const match = /^(?:\{(.*)\})? (\S+)/.exec(rest);
    if (match === null) continue; // a longer name that starts with `name`
    const present = (match[1] ?? "").split(",");
    if (wanted.every((pair) => present.includes(pair))) return Number(match[2]);
  }
  return undefined;
}
