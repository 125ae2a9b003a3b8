#!/usr/bin/env bash
# npm start: install what is missing, start the real local stack, build, then run the Lark
# emulator and all five services on loopback until Ctrl-C. Logs: .stack/logs/<service>.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node_modules
ensure_stack
build

# Development secrets: generated once, kept in .stack/dev.env so tokens stay valid across restarts.
DEV_ENV=.stack/dev.env
mkdir -p .stack/logs
if [[ ! -f $DEV_ENV ]]; then
  {
    echo "ALERTLARK_ADMIN_TOKEN=${ALERTLARK_ADMIN_TOKEN:-admin-$(node -p 'require("crypto").randomBytes(16).toString("hex")')}"
    echo "ALERTLARK_SECRET_KEY=${ALERTLARK_SECRET_KEY:-$(node -p 'require("crypto").randomBytes(32).toString("base64")')}"
  } >"$DEV_ENV"
  chmod 600 "$DEV_ENV"
fi
# Values set in the environment win over the generated ones.
load_env_file "$DEV_ENV"
set -a
LARK_EMULATOR_PORT=${LARK_EMULATOR_PORT:-3100}
ALERTLARK_WEBHOOK_HOSTS_ALLOW=${ALERTLARK_WEBHOOK_HOSTS_ALLOW:-127.0.0.1:$LARK_EMULATOR_PORT}
LARK_EMULATOR_BOTS=${LARK_EMULATOR_BOTS:-'[{"token":"demo-bot","secret":"demo-secret","keywords":["alert"]}]'}
set +a

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo "[start] stopping services" >&2
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all INT TERM EXIT

run() { # name node-arguments...
  local name=$1
  shift
  node "$@" >>".stack/logs/$name.log" 2>&1 &
  pids+=($!)
}
run lark-emulator dist/tools/lark-emulator/src/main.js
for svc in console ingest policy-router lark-sender stats; do
  # The service's Node flags (libs/service-kit/src/node-flags.ts), as every launcher passes them.
  read -r -a flags <<<"$(node -p "require('./dist/libs/service-kit/src/node-flags.js').nodeFlagsOf('$svc').join(' ')")"
  run "$svc" "${flags[@]}" "dist/apps/$svc/src/main.js"
done

declare -A ports=([console]=${CONSOLE_PORT:-3000} [ingest]=${INGEST_PORT:-3001} [policy-router]=${POLICY_ROUTER_PORT:-3002} [lark-sender]=${LARK_SENDER_PORT:-3003} [stats]=${STATS_PORT:-3004})
for svc in console ingest policy-router lark-sender stats; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${ports[$svc]}/readyz" >/dev/null && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${ports[$svc]}/readyz" >/dev/null || { echo "[start] $svc is not ready; see .stack/logs/$svc.log" >&2; exit 1; }
done

cat <<INFO

Alertlark is running (Ctrl-C stops it; logs in .stack/logs/).
  console        http://127.0.0.1:${ports[console]}        (API under /api/v1)
  ingest         http://127.0.0.1:${ports[ingest]}        (Alertmanager webhook: /api/v1/alerts/alertmanager, Prometheus: /api/v2/alerts)
  policy-router  http://127.0.0.1:${ports[policy-router]}
  lark-sender    http://127.0.0.1:${ports[lark-sender]}
  stats          http://127.0.0.1:${ports[stats]}
  internal ports each service's port + 1000 (/metrics, /readyz details, /internal/config)
  Lark emulator  http://127.0.0.1:$LARK_EMULATOR_PORT  (messages: /_emulator/messages)
  Kafka          $KAFKA_BROKERS
  MongoDB        $MONGO_URL

  ALERTLARK_ADMIN_TOKEN=$ALERTLARK_ADMIN_TOKEN
  Demo bot webhook: http://127.0.0.1:$LARK_EMULATOR_PORT/open-apis/bot/v2/hook/demo-bot  (secret: demo-secret, keyword: alert)
  Try it: bash tools/scripts/demo.sh
INFO
wait -n "${pids[@]}" || true
echo "[start] a process exited; stopping the rest" >&2
