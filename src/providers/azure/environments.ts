/**
 * Azure clouds by name: the Active Directory (token) endpoint, the Resource Manager endpoint and the token
 * audience. Names match case-insensitively, as in Prometheus (3.x: azcore `cloud.Configuration`s; 2.42:
 * go-autorest `EnvironmentFromName`). `AzureStackCloud` reads go-autorest's JSON environment file named by
 * `AZURE_ENVIRONMENT_FILEPATH`, which is how 2.42 (and private clouds) point discovery at other endpoints;
 * promsd honours it under both profiles (Prometheus 3.x has no such override and fails the refresh).
 */
import { readFileSync } from "node:fs";
import { SourceError } from "../../errors.js";
import type { Profile } from "../../profile.js";

export interface AzureEnvironment {
  /** `https://login.microsoftonline.com/` */
  readonly activeDirectoryEndpoint: string;
  /** `https://management.azure.com/` */
  readonly resourceManagerEndpoint: string;
  /** The ARM token's audience; the scope asked for is `<audience>/.default`. */
  readonly audience: string;
  /** A well-known cloud (MSAL may validate its authority); false for files. */
  readonly isKnownCloud: boolean;
}

const PUBLIC: AzureEnvironment = { activeDirectoryEndpoint: "https://login.microsoftonline.com/", resourceManagerEndpoint: "https://management.azure.com/", audience: "https://management.core.windows.net/", isKnownCloud: true };
const CHINA: AzureEnvironment = { activeDirectoryEndpoint: "https://login.chinacloudapi.cn/", resourceManagerEndpoint: "https://management.chinacloudapi.cn/", audience: "https://management.core.chinacloudapi.cn/", isKnownCloud: true };
const US_GOVERNMENT: AzureEnvironment = { activeDirectoryEndpoint: "https://login.microsoftonline.us/", resourceManagerEndpoint: "https://management.usgovcloudapi.net/", audience: "https://management.core.usgovcloudapi.net/", isKnownCloud: true };
const GERMAN: AzureEnvironment = { activeDirectoryEndpoint: "https://login.microsoftonline.de/", resourceManagerEndpoint: "https://management.microsoftazure.de/", audience: "https://management.core.cloudapi.de/", isKnownCloud: true };

const CLOUDS: Readonly<Record<string, AzureEnvironment>> = {
  AZURECHINACLOUD: CHINA,
  AZURECLOUD: PUBLIC,
  AZUREPUBLICCLOUD: PUBLIC,
  AZUREUSGOVERNMENT: US_GOVERNMENT,
  AZUREUSGOVERNMENTCLOUD: US_GOVERNMENT,
};

/** The environment file variable go-autorest reads for AzureStackCloud. */
export const AZURE_ENVIRONMENT_FILEPATH = "AZURE_ENVIRONMENT_FILEPATH";

function fromFile(path: string | undefined): AzureEnvironment {
  if (path === undefined || path === "") throw new SourceError("PROMSD_SOURCE_AZURE_ENVIRONMENT", `AzureStackCloud needs ${AZURE_ENVIRONMENT_FILEPATH} to name an environment file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_AZURE_ENVIRONMENT", `cannot read the Azure environment file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const record = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {}; // a JSON object, read field by field
  const text = (key: string): string => (typeof record[key] === "string" ? record[key] : "");
  const resourceManagerEndpoint = text("resourceManagerEndpoint");
  const activeDirectoryEndpoint = text("activeDirectoryEndpoint");
  if (resourceManagerEndpoint === "" || activeDirectoryEndpoint === "") {
    throw new SourceError("PROMSD_SOURCE_AZURE_ENVIRONMENT", `the Azure environment file ${path} lacks resourceManagerEndpoint or activeDirectoryEndpoint`);
  }
  const audience = text("tokenAudience") || resourceManagerEndpoint;
  return { activeDirectoryEndpoint, resourceManagerEndpoint, audience, isKnownCloud: false };
}

/** Resolves `name`; throws SourceError with Prometheus's message for unknown names. */
export function azureEnvironment(name: string, profile: Profile, env: NodeJS.ProcessEnv): AzureEnvironment {
  const upper = name.toUpperCase();
  if (upper === "AZURESTACKCLOUD") return fromFile(env[AZURE_ENVIRONMENT_FILEPATH]);
  // 3.x maps the retired German cloud to the public one; 2.42's go-autorest still knew its endpoints.
  if (upper === "AZUREGERMANCLOUD") return profile === "v2.42" ? GERMAN : PUBLIC;
  const cloud = CLOUDS[upper];
  if (cloud) return cloud;
  const message = profile === "v2.42" ? `autorest/azure: There is no cloud environment matching the name ${JSON.stringify(upper)}` : `there is no cloud configuration matching the name ${JSON.stringify(upper)}`;
  throw new SourceError("PROMSD_SOURCE_AZURE_ENVIRONMENT", `could not create Azure client: ${message}`);
}

/** The scope of an ARM token, as azcore builds it from the audience. */
export function armScope(environment: AzureEnvironment): string {
  return environment.audience.endsWith("/.default") ? environment.audience : `${environment.audience}/.default`;
}
