/**
 * A rule as JSON for display: relabel_steps `rule` objects and the effective config (spec core.md 6.4).
 * Key order and omissions follow Prometheus: `source_labels` omitted when unset, `modulus` when 0,
 * `target_label` when empty; the regex is shown as written, `(.*)` when defaulted.
 */
import { DEFAULT_REGEX } from "./validate.js";
import type { RelabelAction, RelabelConfig } from "./types.js";

export interface RelabelConfigJson {
  source_labels?: string[];
  separator: string;
  regex: string;
  /** A JSON number, as Go writes uint64; values above 2^53 lose precision in JavaScript. */
  modulus?: number;
  target_label?: string;
  replacement: string;
  action: RelabelAction;
}

export function relabelConfigToJson(config: RelabelConfig): RelabelConfigJson {
  const sourceLabels = config.sourceLabels ?? [];
  return {
    ...(sourceLabels.length > 0 ? { source_labels: [...sourceLabels] } : {}),
    separator: config.separator,
    regex: config.regex ?? DEFAULT_REGEX,
    ...(config.modulus !== 0n ? { modulus: Number(config.modulus) } : {}),
    ...(config.targetLabel !== "" ? { target_label: config.targetLabel } : {}),
    replacement: config.replacement,
    action: config.action,
  };
}
