#!/usr/bin/env bash
# What a touchpoint costs at a fixed rate: the engine's CPU, PostgreSQL's CPU and the WAL written
# while TrackSimulation offers RATE requests/s, read from /proc and pg_current_wal_lsn() over the
# measured window. Run it with and without journeys to see what deciding adds at equal load (the
# staircase in run-benchmarks.sh measures capacity; this measures cost below it).
#
#   loadtest/cost-per-touchpoint.sh RATE [JOURNEYS_DIR] [SECONDS=30]
#
# ENGINE_EXTRA_OPTS adds JVM options to the engine; DB_SETTING (e.g. synchronous_commit=off) is set
# on the benchmark's database, for experiments only. Needs a built tree (./itinera test or mvn
# install) and PostgreSQL on 127.0.0.1:5432. Output and logs: loadtest/target/cost-<time>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
rate=${1:?RATE}; journeys=${2:-}; seconds=${3:-30}; warmup=60
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
out="$here/target/cost-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
db="itinera_cost_$(date +%s)"
psql -q -c "create database $db"
[[ -n "${DB_SETTING:-}" ]] && psql -q -c "alter database $db set ${DB_SETTING}"
ITINERA_JOURNEYS_DIR="$journeys" ITINERA_HTTP_PORT=18080 ITINERA_MANAGEMENT_PORT=18558 ITINERA_REMOTE_PORT=25620 \
  ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_RATE_LIMIT_INGEST=1000000 ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
  ITINERA_DB_USER="$PGUSER" ITINERA_JAVA_OPTS="-Xms512m -Xmx2g ${ENGINE_EXTRA_OPTS:-}" ./itinera run > "$out/engine.log" 2>&1 &
srv=$!
analyzer=""
cleanup() {
  kill "$srv" ${analyzer:+"$analyzer"} 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$srv" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$srv" 2>/dev/null || true
  psql -q -c "drop database if exists $db with (force)" || true
}
trap cleanup EXIT
# Autovacuum may be off (it is on the shared test server): ANALYZE stands in for it.
( while sleep 10; do psql -q -d "$db" -c analyze >/dev/null 2>&1 || true; done ) & analyzer=$!
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:18558/ready" >/dev/null && break; sleep 1; done
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() { local t=0; for p in $(pgrep -x postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
wal() { psql -Atc "select pg_current_wal_lsn() - '0/0'::pg_lsn"; }
(
  sleep $((warmup + 3))
  e0=$(ticks "$srv"); p0=$(postgres_ticks); w0=$(wal); t0=$(date +%s.%N)
  # The read sides' staleness while the rate is offered: each projection's lag p99 every 2 s.
  for _ in $(seq 1 $((seconds / 2))); do
    curl -s http://127.0.0.1:18558/metrics | awk '/^itinera_projection_lag_seconds\{.*quantile="0.99"/ { print $1, $2 }' >> "$out/lag.txt"
    sleep 2
  done
  e1=$(ticks "$srv"); p1=$(postgres_ticks); w1=$(wal); t1=$(date +%s.%N)
  hz=$(getconf CLK_TCK)
  awk -v e=$((e1 - e0)) -v p=$((p1 - p0)) -v w=$((w1 - w0)) -v t0="$t0" -v t1="$t1" -v hz="$hz" -v r="$rate" \
    'BEGIN { s = t1 - t0; n = r * s
             printf "RESULT cost at %d/s over %.0f s: engine %.1f s CPU (%.0f us/touchpoint), postgres %.1f s CPU (%.0f us), WAL %.0f MB (%.0f bytes/touchpoint)\n",
               r, s, e / hz, 1e6 * e / hz / n, p / hz, 1e6 * p / hz / n, w / 1048576, w / n }' > "$out/cost.txt"
) &
sampler=$!
lt="$here/target"
java -Xms512m -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$lt/test-classes:$lt/classes:$lt/lib/*" \
  -Dtarget=http://127.0.0.1:18080 -Dlabel=cost -Drates="$rate:0:$(((seconds + 10) / 5))" -DwarmupSeconds=$warmup \
  io.gatling.app.Gatling --simulation io.itinera.loadtest.TrackSimulation --results-folder "$out/gatling" --no-reports > "$out/gatling.log" 2>&1 || true
wait "$sampler" || true
sed -n '/^level/,/^cost:/p' "$out/gatling.log"
echo "(PostgreSQL: every postgres process alive at both ends of the window, the benchmark's and others')"
cat "$out/cost.txt"
# Projection lag over the window: the median and the highest of the p99 samples, per projection.
for projection in analytics outbox; do
  grep "projection=\"$projection\"" "$out/lag.txt" 2>/dev/null | awk '{ print $2 }' | sort -g |
    awk -v p="$projection" '{ v[NR] = $1 } END { if (NR) printf "RESULT %s projection lag p99 over the window: median %.2f s, highest %.2f s (%d samples)\n", p, v[int((NR + 1) / 2)], v[NR], NR }'
done
