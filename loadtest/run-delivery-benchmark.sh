#!/usr/bin/env bash
# Itinera delivery benchmark: the engine on PostgreSQL with one webhook channel ("bench") pointing at
# a local receiver (WebhookSink, its own JVM), the journey loadtest/delivery/bench.journey.yaml (one
# webhook per "Bench Ping"). Two measurements, one after another:
#
#   latency  Gatling sends Bench Ping tracks at RATE/s (default 2000) for 6 x 5 s after a 40 s
#            warm-up; the receiver times each first webhook from the action's decision (stamped by
#            the entity before its journal write, so before the ingest ack: an upper bound of ack to
#            webhook). Reported: ingest p50/p99 (Gatling) and decision-to-webhook p50/p95/p99.
#   drain    the endpoint is parked (the receiver answers one 410, which disables it), DRAIN actions
#            (default 60000) are ingested by batch into its queue, then the endpoint is PUT again and
#            the receiver times the drain: webhook deliveries per second.
#
#   loadtest/run-delivery-benchmark.sh [--no-build] [--keep-db] [--rate 2000] [--drain 60000] [--max-in-flight 64] [--warmup 40]
#
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres). Ports: engine 18180 (HTTP), 18658
# (management), 25720 (remoting); receiver 18190 (apart from run-benchmarks.sh, so both can coexist). Traffic stays on 127.0.0.1. Bounded (a watchdog
# stops it at 10 minutes); everything it starts is stopped on exit, by pid. Results in
# loadtest/target/delivery-<time>/results.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"   # wait_http, start_analyze_loop, start_webhook_sink, start_watchdog, stop_started
root=$(cd "$here/.." && pwd)
cd "$root"

build=1
keep_db=0
rate=2000
drain=60000
max_in_flight=64
warmup=40
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    --keep-db) keep_db=1 ;;
    --rate) rate=$2; shift ;;
    --drain) drain=$2; shift ;;
    --max-in-flight) max_in_flight=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$here/target/delivery-$stamp"
mkdir -p "$out/journeys"
results="$out/results.txt"
db="itinera_delivery_bench_${stamp//-/_}"
HTTP=18180 MGMT=18658 REMOTE=25720 SINK=18190
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
start_watchdog 600 run-delivery-benchmark

if [[ $build -eq 1 ]]; then
  echo "== building (mvn -pl loadtest -am package -DskipTests)"
  mvn -q -B -pl loadtest -am package -DskipTests
  mvn -q -B -pl loadtest test-compile
fi
cp "$here/delivery/bench.journey.yaml" "$out/journeys/"
cp_main="$root/engine/target/engine.jar:$root/engine/target/lib/*"
cp_loadtest="$here/target/classes:$here/target/lib/*"

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(psql -Atc 'show server_version'), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$results"
psql -q -c "create database $db"

analyzer=$(start_analyze_loop "$db")
if [[ -n "$analyzer" ]]; then
  pids+=("$analyzer")
  echo "autovacuum is off on this server: ANALYZE every 10 s stands in for it" | tee -a "$results"
fi
start_webhook_sink "$SINK" "$out/sink.log" "$cp_loadtest"

ITINERA_HTTP_PORT=$HTTP ITINERA_MANAGEMENT_PORT=$MGMT ITINERA_REMOTE_PORT=$REMOTE \
ITINERA_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$db?reWriteBatchedInserts=true" \
ITINERA_JOURNEYS_DIR="$out/journeys" ITINERA_LOG_LEVEL=${LOG_LEVEL:-WARN} \
ITINERA_CHANNELS="bench { url = \"http://127.0.0.1:$SINK/hook\", max-in-flight = $max_in_flight, timeout = 10s }" \
ITINERA_DELIVERY_ALLOWED_NETWORKS=127.0.0.0/8 \
  java -Xms512m -Xmx2g ${ENGINE_EXTRA_OPTS:-} -cp "$cp_main" io.itinera.engine.Main > "$out/engine.log" 2>&1 &
engine=$!; pids+=("$engine")
wait_http "$engine" "http://127.0.0.1:$MGMT/ready" 200 90

# ---- latency at RATE touchpoints/s ----------------------------------------------------------------
echo "== latency: $rate Bench Ping/s, one webhook each ($warmup s warm-up, then 6 x 5 s)"
gatling_cp="$here/target/test-classes:$cp_loadtest"
java -Xms512m -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$gatling_cp" \
  -Dtarget="$H" -Drates="$rate:0:6" -DwarmupSeconds=$warmup -DsloP99Ms=250 -Dcustomers=${CUSTOMERS:-5000} \
  -DacksFile="$out/acks.csv" \
  io.gatling.app.Gatling --simulation io.itinera.loadtest.DeliverySimulation \
  --results-folder "$out/gatling" --no-reports > "$out/gatling.log" 2>&1 &
gatling=$!; pids+=("$gatling")
sleep "$warmup"
curl -s -X POST "http://127.0.0.1:$SINK/reset"
wait "$gatling" || true
sleep 3
sed -n '/^==== /,/^RESULT/p' "$out/gatling.log" | tee -a "$results"
echo "webhooks after warm-up, from the decision: $(curl -s "http://127.0.0.1:$SINK/report")" | tee -a "$results"
# The goal's own measure: each action's webhook arrival minus its touchpoint's acknowledgement
# (Gatling saw the answer naming the action), joined by action id. Both clocks are this machine's.
curl -s "http://127.0.0.1:$SINK/arrivals" > "$out/arrivals.csv"
python3 - "$out/acks.csv" "$out/arrivals.csv" <<'PY' | tee -a "$results"
import sys
acks = dict(l.strip().split(",") for l in open(sys.argv[1]) if l.strip())
rows = sorted((int(t), int(t) - int(acks[i])) for i, t in (l.strip().split(",") for l in open(sys.argv[2]) if l.strip()) if i in acks)
def pct(xs, p): return xs[min(len(xs) - 1, max(0, int(-(-p * len(xs) // 1)) - 1))] / 1000 if xs else float("nan")
def line(label, part):
    xs = sorted(d for _, d in part)
    return f"{label}: {len(xs)} webhooks, ms p50={pct(xs, .5):.1f} p95={pct(xs, .95):.1f} p99={pct(xs, .99):.1f} max={xs[-1] / 1000 if xs else float('nan'):.1f}"
print(line("ack to webhook (all after the warm-up)", rows))
if rows:
    first = rows[0][0]
    for w in range(0, (rows[-1][0] - first) // 5_000_000 + 1):
        part = [r for r in rows if w * 5_000_000 <= r[0] - first < (w + 1) * 5_000_000]
        print(line(f"  arrivals {w * 5:3d}-{w * 5 + 5:3d} s", part))
    print(line("ack to webhook, arrivals from 10 s on (after the warm-up's backlog)", [r for r in rows if r[0] - first >= 10_000_000]))
PY
pending=$(psql -Atd "$db" -c "select count(*) from deliveries where status <> 'delivered'")
echo "not delivered at the end: $pending" | tee -a "$results"

# ---- drain: DRAIN parked deliveries -------------------------------------------------------------------
echo "== drain: $drain deliveries parked behind a disabled endpoint, then sent"
curl -s -X POST "http://127.0.0.1:$SINK/gone?times=1"
curl -s -o /dev/null -u dev-write-key: -H 'Content-Type: application/json' \
  -d '{"userId":"drain-probe","event":"Bench Ping"}' "$H/v1/track"
for _ in $(seq 1 40); do
  [[ "$(curl -s -u dev-admin-key: "$H/v1/channels/bench")" == *'"enabled":false'* ]] && break
  sleep 0.5
done
python3 - "$H" "$drain" <<'PY'
import base64, http.client, json, sys, threading, time, urllib.parse
base, total = sys.argv[1], int(sys.argv[2])
url = urllib.parse.urlparse(base)
auth = "Basic " + base64.b64encode(b"dev-write-key:").decode()
run = str(int(time.time()))
def worker(start, step):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    for first in range(start * 100, total, step * 100):
        batch = [{"type": "track", "userId": f"d-{i}", "event": "Bench Ping", "messageId": f"{run}-{i}"}
                 for i in range(first, min(first + 100, total))]
        for attempt in range(5):
            c.request("POST", "/v1/batch", json.dumps({"batch": batch}),
                      {"Authorization": auth, "Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            if r.status == 200: break
            time.sleep(0.5)
threads = [threading.Thread(target=worker, args=(k, 4)) for k in range(4)]
t0 = time.time(); [t.start() for t in threads]; [t.join() for t in threads]
print(f"ingested {total} in {time.time() - t0:.1f} s")
PY
for _ in $(seq 1 240); do
  queued=$(psql -Atd "$db" -c "select count(*) from deliveries where status = 'pending'")
  (( queued >= drain )) && break
  sleep 0.5
done
echo "parked: $queued pending" | tee -a "$results"
curl -s -X POST "http://127.0.0.1:$SINK/reset"
psql -q -d "$db" -c checkpoint
t0=$(date +%s%3N)
curl -s -o /dev/null -u dev-admin-key: -X PUT -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$SINK/hook\",\"maxInFlight\":$max_in_flight}" "$H/v1/channels/bench"
for _ in $(seq 1 400); do
  left=$(psql -Atd "$db" -c "select count(*) from deliveries where status = 'pending'")
  (( left == 0 )) && break
  sleep 0.5
done
t1=$(date +%s%3N)
echo "drain: $queued deliveries, all written delivered after $(( t1 - t0 )) ms = $(( queued * 1000 / (t1 - t0 + 1) ))/s; receiver: $(curl -s "http://127.0.0.1:$SINK/report")" | tee -a "$results"
echo "== results in $results"
