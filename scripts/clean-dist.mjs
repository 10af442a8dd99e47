// Empties dist/ before a build, so files of deleted or renamed modules are never published (npm pack takes dist/ whole).
import { rmSync } from "node:fs";
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
