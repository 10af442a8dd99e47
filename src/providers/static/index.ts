export { staticProvider } from "./provider.js";
export { createStaticDiscoverer } from "./discoverer.js";
export { checkStaticHostnames, mergeStaticConfigs, parseStaticConfig, type StaticConfig } from "./config.js";
