#!/usr/bin/env bash
# Installs what the benchmarks need when it is missing: GNU time (exact CPU and peak RSS from wait4) and
# Debian's Prometheus 2.42 (promtool, the reference) and Debian's nginx (the http-sd bench's baseline:
# the bench starts its own instance on 127.0.0.1; the packaged service is not used). Run by scripts/run-bench.mjs; never by hand.
set -euo pipefail
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
{ [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1; } || need+=(nginx) # /usr/sbin is not on every PATH
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "bench/setup.sh: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "bench/setup.sh: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
