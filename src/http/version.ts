/** promsd's version (from package.json), for `User-Agent: promsd/<version>`. */
import { readFileSync } from "node:fs";

function readVersion(): string {
  try {
    // package.json sits two levels up from both src/http/ and dist/http/.
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") return parsed.version;
  } catch {
    // fall through: an embedded copy without package.json still gets a usable User-Agent
  }
  return "unknown";
}

export const PROMSD_VERSION: string = readVersion();
export const PROMSD_USER_AGENT = `promsd/${PROMSD_VERSION}`;
