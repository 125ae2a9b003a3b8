#!/usr/bin/env bash
# Local real stack on loopback: Apache Kafka (KRaft, from Maven Central jars) and FerretDB 1.x
# (SQLite backend, built with `go install`). Idempotent; `down` stops only what `up` started.
# If KAFKA_BROKERS and MONGO_URL are both set, those servers are used and nothing is started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${ALERTLARK_CACHE:-$HOME/.cache/alertlark}
STATE=${ALERTLARK_STACK_DIR:-$ROOT/.stack}
KAFKA_VERSION=4.1.1
FERRETDB_VERSION=v1.24.0
KAFKA_PORT=${ALERTLARK_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${ALERTLARK_KAFKA_CONTROLLER_PORT:-9093}
MONGO_PORT=${ALERTLARK_MONGO_PORT:-27017}
KAFKA_LIBS=$CACHE/kafka-$KAFKA_VERSION/libs
# Built with the two patches below; the name carries the patch file's checksum, so a cache holding
# an older build rebuilds.
FERRETDB_ATOMIC_PATCH=$ROOT/tools/stack/ferretdb-atomic-writes.patch
FERRETDB_BIN=$CACHE/ferretdb-$FERRETDB_VERSION-idindex-atomic-$(sha256sum "$FERRETDB_ATOMIC_PATCH" | cut -c1-8)/ferretdb

log() { printf '[stack] %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_port() { # name port pidfile logfile seconds
  local deadline=$((SECONDS + $5))
  until port_open "$2"; do
    if ! pid_alive "$3"; then log "$1 exited while starting; last lines of $4:"; tail -n 30 "$4" >&2; exit 1; fi
    if ((SECONDS > deadline)); then log "$1 not ready on 127.0.0.1:$2 after $5 s; see $4"; exit 1; fi
    sleep 0.5
  done
}

ensure_debian_package() { # command package
  command -v "$1" >/dev/null && return
  log "installing Debian package $2 (for $1)"
  if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; fi
}

install_kafka() {
  [[ -f $KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar ]] && return
  ensure_debian_package java openjdk-17-jre-headless
  ensure_debian_package mvn maven
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS.tmp"
  mvn -q -B -f "$ROOT/tools/stack/kafka-runtime.pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS.tmp" >&2
  rm -rf "$KAFKA_LIBS" && mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

install_ferretdb() {
  [[ -x $FERRETDB_BIN ]] && return
  command -v go >/dev/null || { log "Go is required to build FerretDB (go install from the Go module proxy)"; exit 1; }
  ensure_debian_package patch patch
  log "building FerretDB $FERRETDB_VERSION with go install (SQLite backend, no cgo)"
  local src=$CACHE/ferretdb-src-$FERRETDB_VERSION dir
  dir=$(cd "$CACHE" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  # The module zip lacks the build/version/version.txt that `bin/task gen-version` writes and the
  # binary embeds, so build from a writable copy with that one file added.
  rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  # FerretDB's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"` but looks it up as
  # `_ferretdb_sjson->'$._id'`. SQLite matches index expressions by their text, so every find,
  # update and delete by `_id` scanned the whole collection (140 ms per update at 10,000
  # documents). Written as the plain label `->'_id'`, the lookup matches the index and uses it.
  local metadata=$src/internal/backends/sqlite/metadata/metadata.go
  grep -q "IDColumn = DefaultColumn + \"->'\$._id'\"" "$metadata" || { log "FerretDB's IDColumn changed; revisit the _id index patch"; exit 1; }
  sed -i "s/IDColumn = DefaultColumn + \"->'\$._id'\"/IDColumn = DefaultColumn + \"->'_id'\"/" "$metadata"
  # FerretDB 1.x writes a document back after reading it, in two statements, so two concurrent
  # updates of one document lost one of them (200 + 200 concurrent $inc ended at 86 + 71). MongoDB
  # makes every single-document write atomic, and the config outbox and the leases rely on it:
  # the patch holds a per-collection lock from the read to the write (see tools/stack/README.md).
  patch -s -p1 -d "$src" <"$FERRETDB_ATOMIC_PATCH" || { log "the atomic-writes patch no longer applies to FerretDB $FERRETDB_VERSION"; exit 1; }
  (cd "$src" && CGO_ENABLED=0 GOBIN=$(dirname "$FERRETDB_BIN") go install ./cmd/ferretdb)
}

start_kafka() {
  local pidf=$STATE/kafka.pid logf=$STATE/logs/kafka.log data=$STATE/kafka-data
  if pid_alive "$pidf"; then wait_port kafka "$KAFKA_PORT" "$pidf" "$logf" 60; return; fi
  if port_open "$KAFKA_PORT"; then log "port $KAFKA_PORT is taken by a process this stack did not start; set KAFKA_BROKERS to use it"; exit 1; fi
  install_kafka
  mkdir -p "$STATE/logs" "$data"
  cat >"$STATE/kafka.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=${ALERTLARK_KAFKA_INITIAL_REBALANCE_DELAY_MS:-0}
auto.create.topics.enable=true
PROPS
  if [[ ! -f $data/meta.properties ]]; then
    java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$(java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null)" \
      -c "$STATE/kafka.properties" >>"$logf" 2>&1
  fi
  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$STATE/kafka.properties" >>"$logf" 2>&1 &
  echo $! >"$pidf"
  wait_port kafka "$KAFKA_PORT" "$pidf" "$logf" 90
}

start_ferretdb() {
  local pidf=$STATE/ferretdb.pid logf=$STATE/logs/ferretdb.log data=$STATE/ferretdb-data
  if pid_alive "$pidf"; then wait_port ferretdb "$MONGO_PORT" "$pidf" "$logf" 30; return; fi
  if port_open "$MONGO_PORT"; then log "port $MONGO_PORT is taken by a process this stack did not start; set MONGO_URL to use it"; exit 1; fi
  install_ferretdb
  mkdir -p "$STATE/logs" "$data"
  log "starting FerretDB $FERRETDB_VERSION (SQLite) on 127.0.0.1:$MONGO_PORT"
  nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$data/" --state-dir="$data" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr=- --telemetry=disable --log-level=warn \
    >>"$logf" 2>&1 &
  echo $! >"$pidf"
  wait_port ferretdb "$MONGO_PORT" "$pidf" "$logf" 30
}

stop_one() { # name
  local pidf=$STATE/$1.pid
  if pid_alive "$pidf"; then
    local pid; pid=$(cat "$pidf"); log "stopping $1 (pid $pid)"; kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidf"
}

print_env() {
  echo "KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
  echo "MONGO_URL=${MONGO_URL:-mongodb://127.0.0.1:$MONGO_PORT/alertlark}"
}

external() { [[ -n ${KAFKA_BROKERS:-} && -n ${MONGO_URL:-} ]]; }

case ${1:-status} in
  up)
    if external; then log "using KAFKA_BROKERS and MONGO_URL from the environment; starting nothing"; print_env; exit 0; fi
    mkdir -p "$CACHE" "$STATE"
    [[ -n ${KAFKA_BROKERS:-} ]] || start_kafka
    [[ -n ${MONGO_URL:-} ]] || start_ferretdb
    print_env ;;
  down)
    stop_one kafka; stop_one ferretdb ;;
  reset) # down and forget the data: the next `up` starts empty
    stop_one kafka; stop_one ferretdb; rm -rf "$STATE/kafka-data" "$STATE/ferretdb-data" ;;
  status)
    code=0
    for svc in kafka:$KAFKA_PORT ferretdb:$MONGO_PORT; do
      name=${svc%%:*} port=${svc##*:}
      if pid_alive "$STATE/$name.pid"; then state="running (pid $(cat "$STATE/$name.pid"))"; else state="not started by this stack"; fi
      if port_open "$port"; then ready=ready; else ready="not listening"; code=1; fi
      printf '%-9s 127.0.0.1:%-6s %s, %s\n' "$name" "$port" "$state" "$ready"
    done
    exit $code ;;
  stop|start) # one server, its data kept: what the fault tests restart mid-flow
    case ${2:-} in
      kafka | ferretdb) ;;
      *) echo "usage: stack.sh $1 kafka|ferretdb" >&2; exit 2 ;;
    esac
    if [[ $1 == stop ]]; then stop_one "$2"; else mkdir -p "$CACHE" "$STATE"; "start_$2"; fi ;;
  env) print_env ;;
  *) echo "usage: stack.sh up|down|reset|status|env|stop <server>|start <server>" >&2; exit 2 ;;
esac
