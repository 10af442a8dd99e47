// `require("promsd")` lands here (package.json "exports" → "require"): promsd is an ES module only.
throw new Error(
  'promsd is an ES module and cannot be require()d. Use `import { loadConfigFile } from "promsd"` in an ES module ' +
    '(a .mjs file, or "type": "module" in package.json), or `const promsd = await import("promsd")` from CommonJS.',
);
