#!/usr/bin/env bash
# Makes sure a `docker-compose` command exists: installs Debian's `docker-compose` package when it is
# missing (apt-get update first; sudo only when not root). Idempotent and quiet; prints the version.
set -euo pipefail

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    echo "ensure-docker-compose: docker-compose is missing and this user is not root (and has no sudo)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq >/dev/null
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi

command -v docker-compose >/dev/null 2>&1 || { echo "ensure-docker-compose: install did not provide docker-compose" >&2; exit 1; }
docker-compose version --short 2>/dev/null || docker-compose --version
