#!/usr/bin/env bash
# Runs N engine nodes on 127.0.0.1 against one PostgreSQL database, for trying the cluster on one
# machine. Node i (from 1) listens on HTTP 8080+i-1, management 8558+i-1, remoting 25520+i-1;
# nodes 1 and 2 are the seed nodes. Logs and pids under deploy/.local-cluster/.
#
#   deploy/local-cluster.sh start 3     # needs ITINERA_DB_URL, or creates database itinera_local
#   deploy/local-cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
state=deploy/.local-cluster
command=${1:-}

start() {
  local count=${1:?how many nodes?}
  mkdir -p "$state"
  if [[ -z "${ITINERA_DB_URL:-}" ]]; then
    psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='itinera_local'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE itinera_local"
    export ITINERA_DB_URL="jdbc:postgresql://127.0.0.1:5432/itinera_local?reWriteBatchedInserts=true"
  fi
  local seeds="127.0.0.1:25520"
  [[ $count -gt 1 ]] && seeds="$seeds,127.0.0.1:25521"
  ./itinera build-if-stale
  for i in $(seq 1 "$count"); do
    local offset=$((i - 1))
    ITINERA_SEED_NODES="$seeds" \
      ITINERA_HTTP_PORT=$((8080 + offset)) \
      ITINERA_MANAGEMENT_PORT=$((8558 + offset)) \
      ITINERA_REMOTE_PORT=$((25520 + offset)) \
      ITINERA_JAVA_OPTS="-Xms256m -Xmx1g" \
      nohup ./itinera run > "$state/node$i.log" 2>&1 &
    echo $! > "$state/node$i.pid"
    echo "node $i: http://127.0.0.1:$((8080 + offset)), management http://127.0.0.1:$((8558 + offset)) (log $state/node$i.log)"
  done
  for i in $(seq 1 "$count"); do
    local port=$((8558 + i - 1))
    for _ in $(seq 1 60); do
      curl -sf "http://127.0.0.1:$port/ready" > /dev/null && break
      sleep 1
    done
    curl -sf "http://127.0.0.1:$port/ready" > /dev/null && echo "node $i ready" || echo "node $i not ready after 60 s: see $state/node$i.log"
  done
}

# Each node leaves the cluster gracefully (shards handed off, HTTP drained), which takes seconds:
# wait for them, up to 60 s, so that "stopped" means it.
stop() {
  shopt -s nullglob
  local pids=()
  for pidfile in "$state"/node*.pid; do
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2> /dev/null && pids+=("$pid")
    rm -f "$pidfile"
  done
  for _ in $(seq 1 120); do
    local running=()
    for pid in ${pids[@]+"${pids[@]}"}; do
      kill -0 "$pid" 2> /dev/null && running+=("$pid")
    done
    pids=(${running[@]+"${running[@]}"})
    [[ ${#pids[@]} -eq 0 ]] && { echo "stopped"; return; }
    sleep 0.5
  done
  echo "still stopping after 60 s: pid(s) ${pids[*]}" >&2
  return 1
}

case "$command" in
  start) start "${2:-}" ;;
  stop) stop ;;
  *) echo "Usage: deploy/local-cluster.sh start N | stop" >&2; exit 2 ;;
esac
