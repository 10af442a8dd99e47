/** Relabeling (spec core.md 3): parse and compile rules once, apply them with the pure functions. */
export * from "./types.js";
export { parseRelabelConfigs } from "./config.js";
export { compileRelabelConfig } from "./compile.js";
export { relabel, relabelSteps, relabelTrace } from "./relabel.js";
export { hashmod } from "./hashmod.js";
export { relabelConfigToJson, type RelabelConfigJson } from "./display.js";
export { goToLower, goToUpper } from "./case-mapping.js";
export { anchorRegex, compileRelabelRegex, RegexSyntaxError, type RelabelRegex } from "./regex-engine.js";
export { expandTemplate, parseTemplate, type Template, type TemplatePart } from "./template.js";
