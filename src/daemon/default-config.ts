/**
 * The embedded default config, used by `promsd run` without --config.file. Useful on its own: promsd scrapes
 * itself (so a first-time user sees a target at once) and watches `./targets/` for file_sd files to drop in.
 */
export const DEFAULT_CONFIG_FILE_NAME = "promsd-default.yml";

/** The default config for a daemon listening on `listenAddress` (`host:port`; an empty host means localhost). */
export function defaultConfigText(listenAddress: string): string {
  const target = listenAddress.startsWith(":") ? `localhost${listenAddress}` : listenAddress;
  return `# promsd's embedded default configuration (used when --config.file is not given).
global:
  scrape_interval: 15s

scrape_configs:
  # promsd itself.
  - job_name: promsd
    static_configs:
      - targets: [${JSON.stringify(target)}]

  # Drop file_sd files (JSON or YAML lists of {targets, labels}) into ./targets/ and they show up here.
  - job_name: targets
    file_sd_configs:
      - files: ["targets/*.json", "targets/*.yml", "targets/*.yaml"]
`;
}
