#!/usr/bin/env bash
# How fast the analytics answer with a year of history: one node on PostgreSQL, the analytics tables
# filled by SQL with what 1,000,000 customers entering `running-shoes` over 365 days (and nine other
# journeys of the same size) leave in them, then GET /v1/journeys/running-shoes/analytics timed
# over HTTP, alternating with the journey's plain GET (/v1/journeys/running-shoes) as the ceiling
# of any authenticated read route in the same run.
#
#   loadtest/analytics-report.sh [REQUESTS=200]
#
# Needs a built tree (./itinera build) and PostgreSQL on 127.0.0.1:5432. Output: loadtest/target/report-<time>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd); cd "$root"
requests=${1:-200}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
out="$here/target/report-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$out"
db="itinera_report_$(date +%s)"
psql -q -c "create database $db"
ITINERA_JOURNEYS_DIR="$root/journeys" ITINERA_HTTP_PORT=18080 ITINERA_MANAGEMENT_PORT=18558 ITINERA_REMOTE_PORT=25620 \
  ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
  ITINERA_DB_USER="$PGUSER" ITINERA_JAVA_OPTS="-Xms512m -Xmx2g" ./itinera run > "$out/engine.log" 2>&1 &
srv=$!
cleanup() {
  kill "$srv" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$srv" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$srv" 2>/dev/null || true
  [[ -n "${KEEP_DB:-}" ]] && echo "kept database $db" || psql -q -c "drop database if exists $db with (force)" || true
}
trap cleanup EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:18558/ready" >/dev/null && break; sleep 1; done

echo "filling the analytics tables ($(date -u +%T))"
started=$(date +%s)
psql -q -d "$db" -f "$here/analytics-report.sql"
rows=$(psql -Atd "$db" -c "select sum(n_live_tup) from pg_stat_user_tables where relname like 'analytics_%'")
customers=$(psql -Atd "$db" -c "select sum(entered) from analytics_journey_day where journey = 'running-shoes' and segment = ''")
echo "filled in $(( $(date +%s) - started )) s: $rows analytics rows; running-shoes counts $customers entries"

key=${ITINERA_READ_KEY:-dev-read-key}
year_from=$(date -u -d '364 days ago' +%F); today=$(date -u +%F)
admin=${ITINERA_ADMIN_KEY:-dev-admin-key}
time_one() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -u "${2:-$key}:" "$1"; }
base=http://127.0.0.1:18080/v1/journeys/running-shoes
# Warm-up: the JIT, the connection pool and the database's cache.
for _ in $(seq 1 30); do time_one "$base/analytics" >/dev/null; time_one "$base/analytics?from=$year_from&to=$today" >/dev/null; time_one "$base" "$admin" >/dev/null; time_one "$base/diagram.svg" >/dev/null; done
: > "$out/times.txt"
for _ in $(seq 1 "$requests"); do
  echo "month $(time_one "$base/analytics")" >> "$out/times.txt"
  echo "year $(time_one "$base/analytics?from=$year_from&to=$today")" >> "$out/times.txt"
  echo "ceiling $(time_one "$base" "$admin")" >> "$out/times.txt"
  # The console's journey page asks for these three at once: the journey, its analytics, its diagram.
  echo "diagram $(time_one "$base/diagram.svg")" >> "$out/times.txt"
done
for kind in month year ceiling diagram; do
  awk -v k="$kind" '$1 == k { if ($2 != 200) bad++; print $3 * 1000 }' "$out/times.txt" | sort -g |
    awk -v k="$kind" '{ v[NR] = $1 } END { printf "RESULT %-7s n=%d p50 %.1f ms p90 %.1f ms p99 %.1f ms max %.1f ms\n", k, NR, v[int(NR * 0.5)], v[int(NR * 0.9)], v[int(NR * 0.99)], v[NR] }'
done
awk '$2 != 200 { bad++ } END { print "RESULT non-200 answers: " (bad + 0) }' "$out/times.txt"
echo "(month: the default 30 days; year: from $year_from to $today; ceiling: GET /v1/journeys/running-shoes;"
echo " diagram: GET /v1/journeys/running-shoes/diagram.svg with the last 30 days' counts, as the console's journey page asks)"
