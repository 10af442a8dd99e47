/**
 * The baseline server: Debian's nginx serving, as static files, the exact bytes promsd serves (written by
 * mirror.ts). Configured as nginx is tuned for static content (sendfile, no access log, unlimited keep-alive
 * requests like Node's server), with its own ETag (mtime + size) and 304s, and `gzip_static` serving a
 * pre-compressed copy, the static-file equivalent of promsd's gzip-once cache. One worker by default: promsd
 * serves from one JavaScript thread.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Debian installs nginx in /usr/sbin, which is not on every user's PATH. */
export const NGINX_BINARY = existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

export interface NginxOptions {
  /** Prefix directory: nginx.conf, pid, error log and temp paths live here; the files are served from `root`. */
  readonly dir: string;
  readonly root: string;
  readonly port: number;
  readonly workers: number;
  /** Master and workers run as root when the bench does (the temp directory is not readable by nobody). */
  readonly runAsRoot: boolean;
}

/** nginx.conf for the baseline; listens on 127.0.0.1 only. */
export function nginxConfig({ dir, root, port, workers, runAsRoot }: NginxOptions): string {
  return [
    "daemon off;", // the spawned process is the master, so the bench holds its PID
    ...(runAsRoot ? ["user root;"] : []),
    `worker_processes ${workers};`,
    `pid ${join(dir, "nginx.pid")};`,
    `error_log ${join(dir, "error.log")} warn;`,
    "events { worker_connections 1024; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${join(dir, `${kind}_temp`)};`),
    "  sendfile on; tcp_nopush on; tcp_nodelay on;",
    "  keepalive_timeout 75s; keepalive_requests 1000000;",
    "  types { } default_type application/json;",
    "  etag on; gzip_static on; gzip_vary on;",
    "  server {",
    `    listen 127.0.0.1:${port};`,
    `    root ${root};`,
    "    add_header Cache-Control no-cache;",
    "  }",
    "}",
    "",
  ].join("\n");
}

export interface RunningNginx {
  readonly pid: number;
  /** SIGQUIT (graceful stop) to the master by PID; resolves when it has exited. Idempotent. */
  stop(): Promise<void>;
}

export function startNginx(options: NginxOptions): RunningNginx {
  mkdirSync(options.root, { recursive: true });
  const config = join(options.dir, "nginx.conf");
  writeFileSync(config, nginxConfig(options));
  const child: ChildProcess = spawn(NGINX_BINARY, ["-p", options.dir, "-c", config, "-e", join(options.dir, "error.log")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid ?? 0,
    stop: () => (stopped ??= (child.exitCode === null && child.signalCode === null && child.kill("SIGQUIT"), exited)),
  };
}
