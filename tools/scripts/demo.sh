#!/usr/bin/env bash
# The README's walk-through as a script, against a running `npm start`: creates a team, the demo
# chatbot and a policy, sends one firing alert, and prints the card the Lark emulator received.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$ROOT/node_modules/.bin:$PATH"
# shellcheck disable=SC1091
source "$ROOT/.stack/dev.env"
CONSOLE=http://127.0.0.1:3000 INGEST=http://127.0.0.1:3001 EMULATOR=http://127.0.0.1:3100
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
post() { curl -fsS -X POST "$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }

team=$(post $CONSOLE/api/v1/teams "$ALERTLARK_ADMIN_TOKEN" '{"name":"demo"}')
API_TOKEN=$(field apiToken <<<"$team") INGEST_TOKEN=$(field ingestToken <<<"$team")
object=$(post $CONSOLE/api/v1/notification-objects "$API_TOKEN" \
  '{"name":"oncall","webhookUrl":"http://127.0.0.1:3100/open-apis/bot/v2/hook/demo-bot","secret":"demo-secret","keywords":["alert"]}')
OBJECT_ID=$(field id <<<"$object")
post $CONSOLE/api/v1/notification-policies "$API_TOKEN" \
  "{\"name\":\"critical\",\"matchers\":[\"severity=\\\"critical\\\"\"],\"objectIds\":[\"$OBJECT_ID\"]}" >/dev/null
sleep 1 # configuration reaches ingest, router and sender through Kafka within a moment
post $INGEST/api/v1/alerts/alertmanager "$INGEST_TOKEN" '{"version":"4","status":"firing","alerts":[{"status":"firing",
  "labels":{"alertname":"HighCPU","severity":"critical","instance":"web-1"},
  "annotations":{"summary":"CPU above 90% for 5 minutes"},"startsAt":"2026-11-24T10:00:00Z"}]}'
echo
sleep 2
curl -fsS "$EMULATOR/_emulator/messages?token=demo-bot"; echo
