# Shared by start.sh and test.sh: install what is missing, bring up the stack.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

ensure_node_modules() {
  # npm ci when node_modules is missing or older than the lockfile; the node@24 devDependency
  # then puts Node 24 first on PATH for everything that follows.
  if [[ ! -x node_modules/.bin/node || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "[setup] installing npm packages" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [[ $major -ge 24 ]] || { echo "[setup] Node 24 expected from node_modules/.bin, found $(node --version)" >&2; exit 1; }
}

ensure_stack() {
  local addresses # a failing `up` must stop the caller, so no pipeline around it
  addresses=$(bash tools/stack/stack.sh up)
  eval "$(sed 's/^/export /' <<<"$addresses")"
}

build() {
  echo "[setup] building (tsc)" >&2
  npm run -s build >&2
}

# Exports each NAME=value line of an env file, unless NAME is set already (the environment wins).
# The value is everything after the first `=`: `read` with IFS='=' dropped a trailing `=`, the
# padding of the base64 secret key start.sh generates, and the console refused the key.
load_env_file() { # file
  local line name
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line == *=* ]] || continue
    name=${line%%=*}
    [[ -n $name && -z ${!name:-} ]] && export "$name=${line#*=}"
  done <"$1"
  return 0
}

