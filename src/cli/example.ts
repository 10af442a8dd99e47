/**
 * The example configuration `promsd start` ships with: static targets plus file_sd over a small folder.
 * It lives in code (not in a folder next to the build) so the published package needs no extra files.
 */

export const EXAMPLE_FILES: Readonly<Record<string, string>> = {
  "prometheus.yml": `# promsd example: static targets and file-based discovery.
global:
  scrape_interval: 15s

scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['localhost:9100', 'node-b.example:9100']
        labels:
          env: demo

  - job_name: services
    file_sd_configs:
      - files: ['targets/*.json', 'targets/*.yml']
    relabel_configs:
      # Keep the file name as a label, and drop targets whose team is "retired".
      - source_labels: [__meta_filepath]
        regex: '.*/([^/]+)\\.(json|yml)'
        target_label: sd_file
      - source_labels: [team]
        regex: retired
        action: drop
`,
  "targets/web.json": `[
  {
    "targets": ["web-1.example:8080", "web-2.example:8080"],
    "labels": {"team": "frontend", "__metrics_path__": "/internal/metrics"}
  },
  {
    "targets": ["legacy.example:8080"],
    "labels": {"team": "retired"}
  }
]
`,
  "targets/db.yml": `- targets: ['db-1.example:9187']
  labels:
    team: storage
`,
};

/** The file of EXAMPLE_FILES that is the main config. */
export const EXAMPLE_CONFIG = "prometheus.yml";
