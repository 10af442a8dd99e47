/** Config parsing as tests drive it: one provider block from YAML text, and the problem it reports. */
import { join } from "node:path";
import { ConfigLocation } from "../yaml/location.js";
import type { ParseContext } from "../config/reader.js";
import { parseYaml, type YamlNode } from "../yaml/yaml-node.js";
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";

export type ConfigParser<C> = (node: YamlNode, at: ConfigLocation, ctx: ParseContext) => C;

export interface ParseYamlOptions {
  /** Relative `*_file` paths resolve against it (default /etc/prom); the YAML is read as `<configDir>/p.yml`. */
  readonly configDir?: string;
  readonly profile?: Profile;
}

/** Parses `yaml` with a provider's config parser, as prometheus.yml loading would hand it one block. */
export function parseConfigYaml<C>(parser: ConfigParser<C>, yaml: string, options: ParseYamlOptions = {}): C {
  const configDir = options.configDir ?? "/etc/prom";
  const file = join(configDir, "p.yml");
  return parser(parseYaml(yaml, file), ConfigLocation.root(file), { configDir, profile: options.profile ?? "v3" });
}

/**
 * "accepted" when `parse` returns, else the ConfigError's problem (Prometheus's wording, without file and hint),
 * so a table of cases can compare plain strings. Any other error is a bug and propagates.
 */
export function configProblem(parse: () => unknown): string {
  try {
    parse();
    return "accepted";
  } catch (error) {
    if (error instanceof ConfigError) return error.problem;
    throw error;
  }
}
