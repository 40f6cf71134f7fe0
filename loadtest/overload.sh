#!/usr/bin/env bash
# Itinera overload benchmark (issue 21, part 5): one engine node on PostgreSQL with one webhook
# channel ("bench") to a local receiver (WebhookSink, its own JVM) and the delivery benchmark's
# journey (loadtest/delivery/bench.journey.yaml: one webhook per "Bench Ping"), offered about twice
# what the node holds, for one minute, as an OPEN model: io.itinera.loadtest.overload.OverloadBenchmark
# sends each track at its own fixed instant (Java HttpClient, async) whatever the node answers, and
# times each request from that instant. A warm-up at the node's capacity comes first (not measured,
# but its acknowledgements are checked for loss too). Then the run drains (every acknowledged
# webhook at the receiver, no delivery left unsent; bounded) and the issue's targets are checked,
# one VERDICT line each (PASS/FAIL with the figure):
#
#   accepted latency       2xx answers' latency p99 <= 250 ms (from when each request was due);
#   ack to webhook         accepted events' p99 <= 500 ms from the client's 2xx to the receiver's
#                          first webhook of the action the 2xx named (one machine, one clock);
#   refusals               every other request of the overload phase a 503 with Retry-After: none
#                          without it, no other 4xx/5xx, no client timeout (10 s), no connection
#                          refused/reset/closed (the warm-up's failures are counted beside);
#   nothing lost/doubled   each acknowledged messageId's touchpoint in the journal exactly once, its
#                          2xx naming one action, whose webhook reached the receiver exactly once.
#
# The node's /metrics (itinera_admission_*, itinera_touchpoints_rejected_total) are printed at the end.
#
#   loadtest/overload.sh (--capacity C | --rate R) [--seconds 60] [--warmup 20] [--warmup-rate W]
#                        [--customers 5000] [--drain 120] [--max-in-flight 64] [--connections 512]
#                        [--no-build] [--keep-db]
#
# The client holds at most --connections requests in flight (its sockets, as behind a load balancer;
# the engine accepts at most 1024 connections, pekko's max-connections): a request due while all are
# busy waits in the client, still timed from when it was due, so the arrivals never slow down.
# --capacity C offers 2 x C/s (and warms up at C/s); --rate R offers R/s (warm-up at R/2). C is what
# the node holds within its targets on this machine: the delivery benchmark's held rate
# (loadtest/run-delivery-benchmark.sh --rate C, ack-to-webhook p99 within 500 ms and ingest p99
# within 250 ms), or the highest step of a closed-model/staircase run that meets them.
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres). Ports (environment): engine
# HTTP_PORT 19280, MGMT_PORT 19281, REMOTE_PORT 25725; receiver SINK_PORT 19290. The database is
# ${DB_PREFIX:-itinera_overload}_<time>, dropped on exit unless --keep-db. Bounded (a watchdog
# stops it after warm-up + load + drain + 5 minutes); everything it starts is stopped on exit, by
# pid. Exit status 0 when every target passes. Results in loadtest/target/overload-<time>/results.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"   # wait_http, start_analyze_loop, start_webhook_sink, start_watchdog, stop_started
root=$(cd "$here/.." && pwd)
cd "$root"

build=1
keep_db=0
rate=""
capacity=""
seconds=60
warmup=20
warmup_rate=""
customers=5000
drain=120
max_in_flight=64
connections=512
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    --keep-db) keep_db=1 ;;
    --rate) rate=$2; shift ;;
    --capacity) capacity=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --warmup-rate) warmup_rate=$2; shift ;;
    --customers) customers=$2; shift ;;
    --drain) drain=$2; shift ;;
    --max-in-flight) max_in_flight=$2; shift ;;
    --connections) connections=$2; shift ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -n "$capacity" ]]; then
  rate=${rate:-$(( 2 * capacity ))}
  warmup_rate=${warmup_rate:-$capacity}
fi
[[ -n "$rate" ]] || { echo "give --capacity C (offers 2 x C/s) or --rate R" >&2; exit 2; }
warmup_rate=${warmup_rate:-$(( rate / 2 ))}

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$here/target/overload-$stamp"
mkdir -p "$out/journeys"
results="$out/results.txt"
db="${DB_PREFIX:-itinera_overload}_${stamp//-/_}"
HTTP=${HTTP_PORT:-19280} MGMT=${MGMT_PORT:-19281} REMOTE=${REMOTE_PORT:-25725} SINK=${SINK_PORT:-19290}
H="http://127.0.0.1:$HTTP"

pids=()
watchdog=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_started
  [[ $keep_db -eq 0 ]] && psql -q -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  exit $status
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
limit=$(( 300 + warmup + seconds + drain ))
start_watchdog "$limit" overload

if [[ $build -eq 1 ]]; then
  echo "== building (mvn -pl loadtest -am package -DskipTests)"
  mvn -q -B -Dstyle.color=never -pl loadtest -am package -DskipTests -Djacoco.skip=true
fi
cp "$here/delivery/bench.journey.yaml" "$out/journeys/"
cp_main="$root/engine/target/engine.jar:$root/engine/target/lib/*"
cp_loadtest="$here/target/classes:$here/target/lib/*"

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(psql -Atc 'show server_version'), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$results"
echo "== offered: $rate/s for $seconds s after a $warmup s warm-up at $warmup_rate/s; $customers customers; channel max-in-flight $max_in_flight; client connections $connections" | tee -a "$results"
psql -q -c "create database $db"

analyzer=$(start_analyze_loop "$db")
if [[ -n "$analyzer" ]]; then
  pids+=("$analyzer")
  echo "autovacuum is off on this server: ANALYZE every 10 s stands in for it" | tee -a "$results"
fi
start_webhook_sink "$SINK" "$out/sink.log" "$cp_loadtest"

# The ingest key's rate limit (10,000/s by default) is turned off: a 429 is not what is measured.
ITINERA_HTTP_PORT=$HTTP ITINERA_MANAGEMENT_PORT=$MGMT ITINERA_REMOTE_PORT=$REMOTE \
ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
ITINERA_JOURNEYS_DIR="$out/journeys" ITINERA_LOG_LEVEL=${LOG_LEVEL:-WARN} \
ITINERA_CHANNELS="bench { url = \"http://127.0.0.1:$SINK/hook\", max-in-flight = $max_in_flight, timeout = 10s }" \
ITINERA_DELIVERY_ALLOWED_NETWORKS=127.0.0.0/8 ITINERA_RATE_LIMIT_INGEST=0 \
  java -Xms512m -Xmx2g ${ENGINE_EXTRA_OPTS:-} -cp "$cp_main" io.itinera.engine.Main > "$out/engine.log" 2>&1 &
engine=$!; pids+=("$engine")
wait_http "$engine" "http://127.0.0.1:$MGMT/ready" 200 90

# Once a second: the node's touchpoints in flight and its admission limit (max and min printed at
# the end; the limit only moves while at least half of it is in flight).
( while sleep 1; do
    echo "$(date +%s) $(curl -s -m 1 "http://127.0.0.1:$MGMT/metrics" \
      | awk '/^itinera_touchpoints_in_flight /{f=$2} /^itinera_admission_limit /{l=$2} END{print f+0, l+0}')"
  done ) > "$out/admission.log" 2>/dev/null &
pids+=("$!")

status=0
java -Xms512m -Xmx1g -cp "$cp_loadtest" io.itinera.loadtest.overload.OverloadBenchmark \
  --target "$H" --sink "http://127.0.0.1:$SINK" \
  --db "jdbc:postgresql://$PGHOST:$PGPORT/$db" \
  --rate "$rate" --seconds "$seconds" --warmup-rate "$warmup_rate" --warmup-seconds "$warmup" \
  --customers "$customers" --drain-seconds "$drain" --connections "$connections" 2>&1 | tee -a "$results" || status=$?

echo "== the node's admission and rejection meters (http://127.0.0.1:$MGMT/metrics)" | tee -a "$results"
curl -s -m 10 "http://127.0.0.1:$MGMT/metrics" > "$out/metrics.txt" || true
# Only the non-zero series of itinera_touchpoints_rejected_total (it has one per route and reason).
grep -E '^itinera_(admission_|touchpoints_rejected_total)' "$out/metrics.txt" \
  | grep -Ev '^itinera_touchpoints_rejected_total.* 0\.0$' | tee -a "$results" || true
awk 'NF == 3 && $3 > 0 { if ($2 > f) f = $2; if (!l || $3 < l) l = $3 }
  END { printf "sampled once a second: touchpoints in flight max %d, admission limit min %d\n", f, l }' \
  "$out/admission.log" | tee -a "$results"
# The engine's own view, warm-up included: time in the ingest route (from its start to the response)
# and in the persist, p50 and p99 read off the histograms' buckets (their upper bounds).
for series in 'itinera_ingest_request_seconds_bucket{status="2xx"' 'itinera_ingest_request_seconds_bucket{status="503"' \
    'itinera_persist_seconds_bucket{outcome="ok"'; do
  grep -F "$series" "$out/metrics.txt" | sed 's/.*le="\([^"]*\)"} /\1 /' | sort -g | awk -v s="$series" '
    { le[NR] = $1; c[NR] = $2 } END { n = c[NR]; if (!n) exit
      for (i = 1; i <= NR; i++) { if (!p50 && c[i] >= 0.5 * n) p50 = le[i]; if (!p99 && c[i] >= 0.99 * n) p99 = le[i] }
      printf "engine side: %s} over %d: p50 <= %.0f ms, p99 <= %.0f ms\n", s, n, 1000 * p50, 1000 * p99 }' | tee -a "$results"
done
echo "receiver: $(curl -s -m 10 "http://127.0.0.1:$SINK/report" | head -1)" | tee -a "$results"
echo "engine log: $(grep -c ' ERROR ' "$out/engine.log" || true) ERROR, $(grep -c ' WARN ' "$out/engine.log" || true) WARN lines ($out/engine.log); the first ERROR:" | tee -a "$results"
grep -m1 ' ERROR ' "$out/engine.log" | cut -c1-300 | tee -a "$results" || true
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results"
echo "== results in $results"
exit $status
