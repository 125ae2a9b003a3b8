#!/usr/bin/env bash
# Makes sure a `docker-compose` command exists: when it is missing, installs Debian's `docker-compose`
# package (apt-get update first; sudo only when not root). Idempotent and quiet: prints the version,
# and apt's output only when the install fails.
set -euo pipefail

if ! command -v docker-compose >/dev/null 2>&1; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ensure-docker-compose: docker-compose is missing; install it as root (apt-get install docker-compose)" >&2; exit 1; }
    as_root=(sudo)
  fi
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ensure-docker-compose: installing Debian's docker-compose package failed" >&2
    exit 1
  fi
  command -v docker-compose >/dev/null 2>&1 || { echo "ensure-docker-compose: the package did not provide docker-compose" >&2; exit 1; }
fi

docker-compose version --short 2>/dev/null || docker-compose --version
