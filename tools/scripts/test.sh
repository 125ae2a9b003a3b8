#!/usr/bin/env bash
# npm test: install what is missing, start the real local stack, build, and run every unit,
# integration and end-to-end test. Fails on the first failing layer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node_modules
bash tools/compose/ensure-docker-compose.sh >/dev/null
bash tools/scripts/ensure-debian-packages.sh # real Prometheus, Alertmanager and Chromium for the tests
ensure_stack
build
echo "[test] typecheck and lint" >&2
npm run -s typecheck
npm run -s lint
REPORTS=test-artifacts/reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
echo "[test] unit tests" >&2
jest -c jest.config.cjs --ci --json --outputFile="$REPORTS/unit.json"
echo "[test] integration and end-to-end tests (real Kafka and FerretDB)" >&2
jest -c jest.integration.config.cjs --ci --runInBand --json --outputFile="$REPORTS/integration.json"
node tools/scripts/test-summary.cjs "$REPORTS/unit.json" "$REPORTS/integration.json"
