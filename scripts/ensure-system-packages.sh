#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (the reference Prometheus/promtool, real ZooKeeper
# and dnsmasq servers, Chromium for UI tests, openssl for the TLS test certificates, dockerd and a static busybox,
# curl as a real TLS client of the web config tests) when they are missing. Runs before `npm test`; never by hand.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
[ -e /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
# A real Docker Engine for docker_sd/dockerswarm_sd (brings containerd, runc, iptables) and a static busybox
# for the image the tests build without pulling.
[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || need+=(docker.io)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-system-packages: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
echo "ensure-system-packages: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
