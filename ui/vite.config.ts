// Builds the web UI into dist/ui/, which the daemon serves at `/` (src/outputs/ui/static-assets.ts).
// Preact's JSX goes through esbuild's automatic runtime, so no framework plugin is needed.
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "../dist/ui",
    emptyOutDir: true,
    // Everything is served by the daemon itself: no inline data: modules, no external URLs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: "es2022",
  },
});
