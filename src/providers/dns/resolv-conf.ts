/**
 * /etc/resolv.conf as Go's miekg/dns reads it (ClientConfigFromFile), which is what Prometheus uses:
 * nameserver, domain, search and options ndots:N; timeout/attempts/rotate are parsed upstream but unused.
 */
import { readFile } from "node:fs/promises";

export interface ResolverConfig {
  readonly servers: readonly string[];
  readonly search: readonly string[];
  readonly ndots: number;
}

export function parseResolvConf(text: string): ResolverConfig {
  const servers: string[] = [];
  let search: string[] = [];
  let ndots = 1;
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/).filter((f) => f !== "");
    switch (fields[0]) {
      case "nameserver":
        if (fields[1] !== undefined) servers.push(fields[1]);
        break;
      case "domain":
        search = fields[1] !== undefined ? [fields[1]] : [];
        break;
      case "search":
        search = fields.slice(1);
        break;
      case "options":
        for (const option of fields.slice(1)) {
          if (!option.startsWith("ndots:")) continue;
          // Go's strconv.Atoi failure yields 0, then the value is clamped to 0..15.
          const n = /^[+-]?[0-9]+$/.test(option.slice(6)) ? Number(option.slice(6)) : 0;
          ndots = Math.min(15, Math.max(0, n));
        }
        break;
    }
  }
  return { servers, search, ndots };
}

export async function loadResolvConf(path: string): Promise<ResolverConfig> {
  try {
    return parseResolvConf(await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(`could not load resolv.conf: ${(error as Error).message}`, { cause: error });
  }
}

/** The names to try for `name`, in order (miekg/dns ClientConfig.NameList; spec dns.md 2.3). */
export function candidateNames(name: string, config: ResolverConfig): string[] {
  if (name.endsWith(".")) return [name];
  const hasNdots = countLabels(name) > config.ndots;
  const fqdn = `${name}.`;
  const searched = config.search.map((domain) => (`${fqdn}${domain}`.endsWith(".") ? `${fqdn}${domain}` : `${fqdn}${domain}.`));
  return hasNdots ? [fqdn, ...searched] : [...searched, fqdn];
}

function countLabels(name: string): number {
  return name.split(".").filter((label) => label !== "").length;
}
