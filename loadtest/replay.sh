#!/usr/bin/env bash
# How fast a what-if replay runs over recorded history: one node on PostgreSQL with the sample
# journeys, CUSTOMERS customers of PER touchpoints each sent through /v1/batch
# (loadtest/replay/history.mjs), then POST /v1/journeys/running-shoes/replay?sample=CUSTOMERS with a
# candidate that lowers the consideration stage's count trigger from 3 views to 2, RUNS times.
# Reports each run's wall time (the reply's tookMillis and the script's), the engine's and
# PostgreSQL's CPU over it (PostgreSQL's counts every backend, the node's projections' polls too), and the
# time of GET /v1/journeys/running-shoes between runs as the ceiling of an authenticated route.
#
#   loadtest/replay.sh [CUSTOMERS=10000] [PER=100] [RUNS=3]
#
# Needs a built tree (./itinera build), Node and PostgreSQL on 127.0.0.1:5432.
# Output: loadtest/target/replay-<time>/. KEEP_DB=1 keeps the database (its name is printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
customers=${1:-10000}; per=${2:-100}; runs=${3:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
out="$here/target/replay-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
db=${REPLAY_DB:-"itinera_replay_$(date +%s)"}
fresh=1
if psql -Atqc "select 1 from pg_database where datname = '$db'" | grep -q 1; then fresh=0; else psql -q -c "create database $db"; fi
ITINERA_JOURNEYS_DIR="$root/journeys" ITINERA_HTTP_PORT=18080 ITINERA_MANAGEMENT_PORT=18558 ITINERA_REMOTE_PORT=25620 \
  ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_RATE_LIMIT_INGEST=1000000 \
  ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
  ITINERA_DB_USER="$PGUSER" ITINERA_JAVA_OPTS="-Xms1g -Xmx2g ${ENGINE_EXTRA_OPTS:-}" ./itinera run > "$out/engine.log" 2>&1 &
srv=$!
cleanup() {
  kill "$srv" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$srv" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$srv" 2>/dev/null || true
  [[ -n "${KEEP_DB:-}" ]] && echo "kept database $db" || psql -q -c "drop database if exists $db with (force)" || true
}
trap cleanup EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:18558/ready" >/dev/null && break; sleep 1; done
pid=$srv  # ./itinera run execs java

if [[ $fresh == 1 ]]; then
  echo "sending $customers customers x $per touchpoints ($(date -u +%T))"
  node "$here/replay/history.mjs" http://127.0.0.1:18080/v1/batch "${ITINERA_WRITE_KEY:-dev-write-key}" "$customers" "$per" | tee "$out/history.txt"
  psql -q -d "$db" -c "VACUUM ANALYZE"
fi
rows=$(psql -Atd "$db" -c "select count(*) from event_journal")
echo "the journal holds $rows events"

sed -e 's/^version: 1$/version: 2/' -e 's/atLeast: 3/atLeast: 2/' journeys/running-shoes.journey.yaml > "$out/candidate.journey.yaml"
admin=${ITINERA_ADMIN_KEY:-dev-admin-key}
base=http://127.0.0.1:18080/v1/journeys/running-shoes
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() { local t=0; for p in $(pgrep -x postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
hz=$(getconf CLK_TCK)
# POST the candidate over SAMPLE customers; a replay longer than the node's answer-within (15 s) is
# answered 202 and polled (GET) until done. Writes the report to FILE and prints "STATUS SECONDS".
replay() {
  local sample=$1 file=$2 started status
  started=$(date +%s.%N)
  status=$(curl -s -o "$file" -w '%{http_code}' -u "$admin:" -H 'content-type: application/yaml' \
    --data-binary @"$out/candidate.journey.yaml" "$base/replay?sample=$sample")
  if [[ $status == 202 ]]; then
    while curl -s -u "$admin:" "$base/replay" > "$file.progress" && jq -e .running "$file.progress" >/dev/null; do sleep 0.2; done
    jq '.report // {failure}' "$file.progress" > "$file"
    status="202+$(jq -r 'if .report then "report" else "failed" end' "$file.progress")"
  fi
  echo "$status $(echo "$(date +%s.%N) - $started" | bc)"
}
# A warm-up replay over a tenth of the sample: the JIT, the pool, the database's cache.
echo "warm-up: $(replay $(( customers / 10 )) "$out/warm-up.json")"
for run in $(seq 1 "$runs"); do
  ceiling=$(curl -s -o /dev/null -w '%{time_total}' -u "$admin:" "$base")
  before=$(ticks "$pid"); pg_before=$(postgres_ticks)
  status=$(replay "$customers" "$out/run-$run.json")
  cpu=$(( ($(ticks "$pid") - before) * 1000 / hz )); pg_cpu=$(( ($(postgres_ticks) - pg_before) * 1000 / hz ))
  echo "RESULT run $run: http $status s; $(jq -r '"tookMillis \(.tookMillis), customers \(.customers), touchpoints \(.touchpoints), truncated \(.truncated), paths differing \(.pathsDiffering)"' "$out/run-$run.json"); engine CPU ${cpu} ms, PostgreSQL CPU ${pg_cpu} ms; load $(cut -d' ' -f1 /proc/loadavg); ceiling GET ${ceiling} s"
done
jq '{stages, actions, suppressed}' "$out/run-1.json" > "$out/counts.json"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); output in $out"
