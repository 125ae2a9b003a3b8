#!/usr/bin/env bash
# Makes sure the Debian packages the tests and benchmarks run for real are installed:
#   prometheus               /usr/bin/prometheus               (2.42 in bookworm) real-Prometheus e2e tests
#   prometheus-alertmanager  /usr/bin/prometheus-alertmanager  (0.25) the side-by-side benchmark
#   chromium                 /usr/bin/chromium                 browser tests
# Idempotent: when every binary is there it only checks the files. Otherwise apt-get update +
# install (sudo only when not root), without starting or enabling the packages' own services:
# the tests start their own processes on their own ports, and a system Prometheus on 9090 or
# Alertmanager on 9093 (Kafka's controller port in tools/stack) would only get in the way.
set -euo pipefail

declare -A BINARY=(
  [prometheus]=/usr/bin/prometheus
  [prometheus-alertmanager]=/usr/bin/prometheus-alertmanager
  [chromium]=/usr/bin/chromium
)
# The system services each package ships (prometheus Recommends node-exporter, port 9100:
# --no-install-recommends keeps it out).
declare -A SERVICES=([prometheus]=prometheus [prometheus-alertmanager]=prometheus-alertmanager [chromium]=)

missing=()
for package in "${!BINARY[@]}"; do
  [[ -x ${BINARY[$package]} ]] || missing+=("$package")
done
if ((${#missing[@]} == 0)); then exit 0; fi

log() { printf '[ensure-debian-packages] %s\n' "$*" >&2; }
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { log "missing ${missing[*]}; run as root or install sudo (or: apt-get install ${missing[*]})"; exit 1; }
  as_root=(sudo)
fi
command -v apt-get >/dev/null 2>&1 || { log "missing ${missing[*]} and no apt-get to install them"; exit 1; }

# Maintainer scripts start services through invoke-rc.d / deb-systemd-invoke, which obey
# policy-rc.d: exit 101 means "do not start". Containers usually have one already; otherwise put
# a temporary one in place for the install and remove it afterwards.
POLICY=/usr/sbin/policy-rc.d
cleanup=()
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# temporary, from alertlark ensure-debian-packages.sh\nexit 101\n' | "${as_root[@]}" tee "$POLICY" >/dev/null
  "${as_root[@]}" chmod 755 "$POLICY"
  cleanup+=("${as_root[*]} rm -f $POLICY")
fi
apt_log=$(mktemp)
cleanup+=("rm -f $apt_log")
trap 'for c in "${cleanup[@]}"; do eval "$c"; done' EXIT

log "installing ${missing[*]} (apt-get)"
if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
  cat "$apt_log" >&2
  log "apt-get install ${missing[*]} failed"
  exit 1
fi

# The postinst still enables the services for the next boot (and a permissive policy-rc.d would
# have let them start): on a systemd host, stop and disable the ones this run installed.
if [[ -d /run/systemd/system ]]; then
  for package in "${missing[@]}"; do
    unit=${SERVICES[$package]}
    [[ -n $unit ]] && "${as_root[@]}" systemctl disable --now "$unit.service" >/dev/null 2>&1 || true
  done
fi

for package in "${missing[@]}"; do
  [[ -x ${BINARY[$package]} ]] || { log "package $package did not provide ${BINARY[$package]}"; exit 1; }
done
log "installed ${missing[*]}"
