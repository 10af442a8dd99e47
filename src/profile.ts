/**
 * Behaviour profiles (spec core.md 0): `v3` follows current Prometheus 3.x and is the default; `v2.42`
 * reproduces Debian's Prometheus 2.42 build, our differential-test oracle. Every place that differs takes
 * the profile explicitly; there is no global switch.
 */
export type Profile = "v3" | "v2.42";

export const DEFAULT_PROFILE: Profile = "v3";

export function parseProfile(text: string): Profile {
  if (text === "v3" || text === "v2.42") return text;
  throw new Error(`unknown profile "${text}"; expected v3 or v2.42`);
}

/** For exhaustive switches over closed unions. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
