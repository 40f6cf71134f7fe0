#!/usr/bin/env bash
# Itinera ingest benchmark: the engine's /v1/track and /v1/batch beside three ceilings measured in
# the same run on the same machine, one after another, each server in its own JVM and Gatling in
# another. Prints one summary table. Bounded in time (about 12 minutes; a watchdog stops it at 15),
# traffic to 127.0.0.1 only, and everything it starts is stopped on exit.
#
#   loadtest/run-benchmarks.sh [--no-build] [--keep-db] [--only raw,http,entity,track,batch]
#
# ITINERA_ENGINE_DIR=/path/to/another/checkout runs that tree's engine instead (to measure a change);
# ENGINE_EXTRA_OPTS adds JVM options to the engine (e.g. -Dpekko.http.server.backlog=1024).
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres; PGHOST/PGPORT/PGUSER to change).
# Ports: engine 18080 (HTTP), 18558 (management), 25620 (remoting); bare route 18081; bare entity
# 18082. Results (logs, RESULT lines) go to loadtest/target/bench-<time>/.
#
# Rows (see docs/benchmarks.md, "Ingest (walking skeleton)"):
#   raw-journal-batch   JDBC batch inserts of journal-shaped rows, 4 threads x 100 rows/commit
#   raw-journal-single  the same, 8 threads x 1 row/commit (commit rate)
#   bare-http           a bare Pekko HTTP route (200, tiny JSON), driven by TrackSimulation
#   bare-entity         a bare sharded event-sourced entity on pekko-persistence-jdbc, TrackSimulation
#   track               the engine's POST /v1/track, TrackSimulation, no journeys deployed
#   track-journeys      the same with five journeys deployed (--only journeys)
#   batch               the engine's POST /v1/batch, 100 events per request, BatchSimulation
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"   # wait_http, start_watchdog, stop_started
root=$(cd "$here/.." && pwd)
cd "$root"
engine_dir=${ITINERA_ENGINE_DIR:-$root}

build=1
keep_db=0
only="raw,http,entity,track,journeys,batch"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    --keep-db) keep_db=1 ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
wants() { [[ ",$only," == *",$1,"* ]]; }

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$here/target/bench-$stamp"
mkdir -p "$out"
results="$out/results.txt"
: > "$results"
db_engine="itinera_bench_${stamp//-/_}"
db_batch="${db_engine}_batch"
db_bare="${db_engine}_bare"
db_raw="${db_engine}_raw"
db_journeys="${db_engine}_journeys"
jdbc() { echo "jdbc:postgresql://$PGHOST:$PGPORT/$1?reWriteBatchedInserts=true"; }

HTTP_PORT=18080 MGMT_PORT=18558 REMOTE_PORT=25620 BARE_HTTP_PORT=18081 BARE_ENTITY_PORT=18082
SERVER_OPTS="-Xms512m -Xmx2g"   # the engine's own default (./itinera run), for every server
GATLING_OPTS="-Xms512m -Xmx1g -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 --add-opens=java.base/java.lang=ALL-UNNAMED"
# The warm-up ramp before the measured levels. 40 s was enough for the skeleton; with journeys
# deployed the JIT still compiled for a minute (C2 was the busiest thread at 60-90 s), and a
# staircase started cold measures the compiler. Same for every row, so rows stay comparable.
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-75}
# The levels of the bare-entity, track and track-journeys rows (requests/s start:step:count); a
# finer staircase near the top (e.g. 3000:500:16) resolves a ratio better than steps of 1,000.
TRACK_RATES=${BENCH_TRACK_RATES:-1000:1000:12}
DEADLINE_SECONDS=900

# ---- everything started here is stopped on exit, by its pid -------------------------------------
pids=()
watchdog=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_started
  if [[ $keep_db -eq 0 ]]; then
    psql -q -c "drop database if exists $db_engine" -c "drop database if exists $db_bare" -c "drop database if exists $db_journeys" \
      -c "drop database if exists $db_batch" -c "drop database if exists $db_raw" \
      >/dev/null 2>&1 || true
  fi
  exit $status
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
start_watchdog "$DEADLINE_SECONDS" run-benchmarks

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

# ---- CPU accounting from /proc: who used the two cores during a phase ----------------------------
ticks_of() { # utime+stime of the given pids, in clock ticks
  local sum=0 pid
  for pid in "$@"; do
    local t; t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null) || continue
    sum=$(( sum + ${t:-0} ))
  done
  echo $sum
}
postgres_ticks() { # every live postgres process (backends of pools that outlive the phase)
  local sum=0 f
  for f in /proc/[0-9]*/stat; do
    { read -r line < "$f"; } 2>/dev/null || continue
    [[ $line == *"(postgres)"* ]] || continue
    sum=$(( sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' <<<"$line") ))
  done
  echo $sum
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
now_ms() { date +%s%3N; }
listen_overflows() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) k[i] = $i; h = 1 } else for (i = 1; i <= NF; i++) if (k[i] == "ListenOverflows") print $i }' /proc/net/netstat; }
HZ=$(getconf CLK_TCK)

# The load generator (Gatling, or the raw inserter) is waited for, so its CPU comes from the shell's
# reaped-children times; the server is alive, so from /proc/PID/stat; postgres from its live
# processes (backends that exit within the phase, like the raw inserter's, land in "other").
children_ticks() { # sets CHILD_TICKS: user+sys of this shell's reaped children (no subshell)
  times > "$out/.times"
  CHILD_TICKS=$(awk -v hz="$HZ" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; printf "%d\n", t * hz }' "$out/.times")
}
declare -A cpu_note
measure_begin() { # server_pid
  m_t0=$(now_ms); m_busy0=$(busy_ticks); m_pg0=$(postgres_ticks)
  m_srv0=$(ticks_of "$1"); children_ticks; m_gen0=$CHILD_TICKS
}
measure_end() { # label server_pid   (after the load generator was waited for)
  local ms=$(( $(now_ms) - m_t0 ))
  local busy=$(( $(busy_ticks) - m_busy0 )) pg=$(( $(postgres_ticks) - m_pg0 ))
  children_ticks
  local srv=$(( $(ticks_of "$2") - m_srv0 )) gen=$(( CHILD_TICKS - m_gen0 ))
  local other=$(( busy - pg - srv - gen )); (( other < 0 )) && other=0
  pct() { echo $(( $1 * 100000 / HZ / ms )); } # % of one core
  cpu_note[$1]="server $(pct $srv)% generator $(pct $gen)% postgres $(pct $pg)% other $(pct $other)% (machine $(pct $busy)% of $(( $(nproc) * 100 ))%)"
}

# Per-second samples (top, batch mode) while a load generator runs, to see the split at the busiest
# moment (the whole-row averages include the warm-up and the low levels): the 5 s in which the
# server used the most CPU, and what the rest of the machine did meanwhile.
sample_cpu() { # file generator_parent_pid: raw top output until the generator ends
  local file=$1 parent=$2
  top -b -d 1 -n 400 -i -w 200 > "$file" 2>/dev/null &
  local top_pid=$!
  for _ in $(seq 1 400); do kill -0 "$parent" 2>/dev/null || break; sleep 1; done
  kill "$top_pid" 2>/dev/null || true
}
busiest() { # file server_pid generator_pid: the split of the busiest 5 s, % of one core
  awk -v srv="$2" -v gen="$3" -v ncpu="$(nproc)" '
    function flush() { if (n > 0) { m[n] = mach; s[n] = S; g[n] = G; p[n] = P; q[n] = Q; o[n] = O } }
    /^top -/ { flush(); n++; S = G = P = O = 0; next }
    /^%Cpu/ { line = $0; sub(/^%Cpu\(s\): */, "", line); split(line, f, /, */)
              for (i in f) { split(f[i], kv, / +/); v[kv[2]] = kv[1] }
              mach = (100 - v["id"] - v["wa"]) * ncpu; Q = (v["hi"] + v["si"]) * ncpu; next }
    $1 ~ /^[0-9]+$/ && NF >= 12 { c = $9
              if ($1 == srv) S += c; else if ($1 == gen) G += c; else if ($12 == "postgres") P += c; else O += c }
    END { flush(); best = -1
          for (i = 6; i <= n; i++) { t = s[i] + s[i-1] + s[i-2] + s[i-3] + s[i-4]; if (t > best) { best = t; bi = i } }
          if (best < 0) { print "n/a"; exit }
          ms = ts = gs = ps = qs = os = 0
          for (j = bi - 4; j <= bi; j++) { ms += m[j]; ts += s[j]; gs += g[j]; ps += p[j]; qs += q[j]; os += o[j] }
          printf "server busiest 5 s: machine %d%% = server %d%% + generator %d%% + postgres %d%% + interrupts %d%% + other processes %d%%%s",
            ms / 5, ts / 5, gs / 5, ps / 5, qs / 5, os / 5, (os / 5 > 30 ? " CONTENDED" : "") }' "$1"
}
declare -A cpu_peak
declare -A client_bound

# ---- build --------------------------------------------------------------------------------------
if [[ $build -eq 1 ]]; then
  echo "== building loadtest and the engine (mvn -pl loadtest -am install -DskipTests)"
  mvn -q -B -pl loadtest -am install -DskipTests
fi
[[ -f engine/target/engine.jar && -d loadtest/target/lib ]] || { echo "not built: run without --no-build" >&2; exit 1; }
loadtest_cp="$here/target/classes:$here/target/lib/*"
gatling_cp="$here/target/test-classes:$loadtest_cp"

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo)," \
  "$(java -version 2>&1 | head -1), $(psql -Atc 'show server_version'), load average $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee "$out/machine.txt"

psql -q -c "create database $db_engine" -c "create database $db_batch" -c "create database $db_bare" -c "create database $db_raw" -c "create database $db_journeys"


gatling() { # label simulation target rates server_pid
  local label=$1 simulation=$2 target=$3 rates=$4 server=$5
  echo "== $label: $simulation against $target, levels $rates (requests/s start:step:count)"
  psql -q -c checkpoint
  local gpid
  measure_begin "$server"
  local overflows0; overflows0=$(listen_overflows)
  timeout 300 java $GATLING_OPTS -cp "$gatling_cp" -Dtarget="$target" -Dlabel="$label" -Drates="$rates" -DwarmupSeconds="$WARMUP_SECONDS" \
    io.gatling.app.Gatling --simulation "io.itinera.loadtest.$simulation" \
    --results-folder "$out/gatling" --no-reports > "$out/$label.log" 2>&1 &
  gpid=$!
  pids+=("$gpid")
  sample_cpu "$out/$label.top" "$gpid" &
  local sampler=$!
  sleep 1
  local jvm; jvm=$(pgrep -P "$gpid" | head -1 || true)
  wait "$gpid" || echo "(gatling exited with $? for $label; see $out/$label.log)"
  measure_end "$label" "$server"
  wait "$sampler" 2>/dev/null || true
  cpu_peak[$label]=$(busiest "$out/$label.top" "$server" "${jvm:-none}")
  sed -n '/^==== /,/^RESULT/p' "$out/$label.log" | grep -v '^RESULT'
  grep '^RESULT' "$out/$label.log" >> "$results" || echo "RESULT|$label|0|0|NaN|NaN|NaN|0|0|no result" >> "$results"
  echo "   cpu over the row: ${cpu_note[$label]}"
  echo "   ${cpu_peak[$label]}"
  # Connections refused by a full listen backlog (Pekko HTTP binds with backlog 100): the client
  # retries the SYN after 1 s, 3 s, 7 s..., which is where the 10 s timeouts in a level come from.
  local overflows=$(( $(listen_overflows) - overflows0 ))
  echo "   TCP listen-queue overflows during the row: $overflows"
  # Then the client, not the server, set the row's limit: its figures measure connection churn.
  if (( overflows > 0 )); then
    client_bound[$label]="CLIENT-BOUND: $overflows listen-queue overflows"
    echo "   ${client_bound[$label]}: this row's held level and peak are not the engine's"
  fi
}

# ---- (iii) raw PostgreSQL inserts of journal-shaped rows ------------------------------------------
# The engine's events average about 344 bytes of CBOR (measured on its journal), so the raw rows do.
if wants raw; then
  for spec in "raw-journal-batch 4 100" "raw-journal-single 8 1"; do
    read -r label threads rows <<<"$spec"
    echo "== $label: $threads threads x $rows rows/commit, 8 s"
    psql -q -c checkpoint
    measure_begin 0
    timeout 60 java -cp "$loadtest_cp" io.itinera.loadtest.ceiling.RawJournalInserts \
      "$(jdbc "$db_raw")" "$PGUSER" "$label" "$threads" "$rows" 8 344 > "$out/$label.log" 2>&1 &
    rpid=$!; pids+=("$rpid")
    wait "$rpid" || { echo "raw inserts failed, see $out/$label.log" >&2; cat "$out/$label.log" >&2; exit 1; }
    measure_end "$label" 0
    grep -v '^RESULT' "$out/$label.log"; grep '^RESULT' "$out/$label.log" >> "$results"
    echo "   cpu: ${cpu_note[$label]}"
  done
fi

# ---- (i) a bare Pekko HTTP route ------------------------------------------------------------------
body='{"userId":"probe","event":"Probe","messageId":"probe-1"}'
if wants http; then
  java $SERVER_OPTS -cp "$loadtest_cp" io.itinera.loadtest.ceiling.BareHttpServer $BARE_HTTP_PORT \
    > "$out/bare-http-server.log" 2>&1 &
  srv=$!; pids+=("$srv")
  wait_http "$srv" "http://127.0.0.1:$BARE_HTTP_PORT/v1/track" 200 30 -X POST -H 'Content-Type: application/json' -d "$body"
  gatling bare-http TrackSimulation "http://127.0.0.1:$BARE_HTTP_PORT" 2000:3000:8 "$srv"
  stop_pid "$srv"
fi

# ---- (ii) a bare sharded event-sourced entity on pekko-persistence-jdbc ---------------------------
if wants entity; then
  java $SERVER_OPTS -cp "$loadtest_cp" io.itinera.loadtest.ceiling.BareEntityServer \
    "$(jdbc "$db_bare")" $BARE_ENTITY_PORT > "$out/bare-entity-server.log" 2>&1 &
  srv=$!; pids+=("$srv")
  wait_http "$srv" "http://127.0.0.1:$BARE_ENTITY_PORT/v1/track" 200 60 -X POST -H 'Content-Type: application/json' -d "$body"
  gatling bare-entity TrackSimulation "http://127.0.0.1:$BARE_ENTITY_PORT" $TRACK_RATES "$srv"
  stop_pid "$srv"
fi

# ---- the engine: /v1/track, then /v1/batch, each on a fresh engine process and database -----------
# (a staircase ends in overload; a fresh process keeps one row's aftermath out of the next)
engine_row() { # label simulation rates database journeys-dir (empty: no journeys deployed)
  local label=$1 simulation=$2 rates=$3 db=$4 journeys=${5:-}
  ITINERA_JOURNEYS_DIR="$journeys" ITINERA_HTTP_PORT=$HTTP_PORT ITINERA_MANAGEMENT_PORT=$MGMT_PORT ITINERA_REMOTE_PORT=$REMOTE_PORT \
    ITINERA_HTTP_INTERFACE=127.0.0.1 ITINERA_RATE_LIMIT_INGEST=1000000 ITINERA_DB_URL="$(jdbc "$db")" ITINERA_DB_USER="$PGUSER" \
    ITINERA_JAVA_OPTS="$SERVER_OPTS ${ENGINE_EXTRA_OPTS:-}" "$engine_dir/itinera" run > "$out/engine-$label.log" 2>&1 &
  local srv=$!; pids+=("$srv")
  # The shared test server runs with autovacuum off: without statistics PostgreSQL plans the
  # journal's eventsByTag polls for empty tables and each poll reads the tag's whole history.
  # Stand in for autovacuum's ANALYZE (production keeps autovacuum on; docs/operations.md).
  local analyzer=""
  if [[ "$(psql -Atc 'show autovacuum')" == "off" ]]; then
    echo "   (autovacuum is off on this server: ANALYZE every 10 s stands in for it)"
    ( while sleep 10; do psql -q -d "$db" -c analyze >/dev/null 2>&1 || true; done ) &
    analyzer=$!; pids+=("$analyzer")
  fi
  wait_http "$srv" "http://127.0.0.1:$MGMT_PORT/ready" 200 90
  gatling "$label" "$simulation" "http://127.0.0.1:$HTTP_PORT" "$rates" "$srv"
  [[ -n "$analyzer" ]] && { kill "$analyzer" 2>/dev/null || true; }
  psql -d "$db" -Atc "select '   journal: ' || count(*) || ' events, ' || coalesce(avg(length(event_payload))::int, 0) || ' bytes of payload on average' from event_journal" || true
  echo "   engine log: $(grep -c ' ERROR ' "$out/engine-$label.log" || true) ERROR and $(grep -c ' WARN ' "$out/engine-$label.log" || true) WARN lines"
  stop_pid "$srv"
}
if wants track; then
  engine_row track TrackSimulation $TRACK_RATES "$db_engine"
fi
# The same with five journeys deployed (the three samples and two in loadtest/journeys), all
# listening to the simulation's touchpoints: what deciding costs on top of recording.
if wants journeys; then
  five=$(mktemp -d); cp journeys/*.journey.yaml "$here"/journeys/*.journey.yaml "$five"/
  engine_row track-journeys TrackSimulation $TRACK_RATES "$db_journeys" "$five"
fi
if wants batch; then
  engine_row batch BatchSimulation 40:20:16 "$db_batch"
fi

# ---- summary -------------------------------------------------------------------------------------
echo
echo "== summary ($stamp; $(cat "$out/machine.txt" | sed 's/^== machine: //'))"
echo "events/s, p50/p95/p99: at the highest open-model level held (>= 95% of the offered rate answered,"
echo "no failure, p99 <= 100 ms); peak: the most events/s answered in any level. raw rows: latency per commit."
echo "cpu: % of one core, in the 5 s the server was busiest; 'other processes' is everything not started"
echo "here (another build on the machine): CONTENDED when over 30% of a core, so rerun that row (--only ROW)."
printf '%-20s %12s %9s %9s %9s %12s  %s\n' row events/s p50-ms p95-ms p99-ms peak-ev/s "cpu (% of one core)"
while IFS='|' read -r _ label _req events p50 p95 p99 peak _failed _note; do
  printf '%-20s %12s %9s %9s %9s %12s  %s\n' "$label" "$events" "$p50" "$p95" "$p99" "$peak" "${client_bound[$label]:+${client_bound[$label]}; }${cpu_peak[$label]:-${cpu_note[$label]:-}}"
done < "$results"
value() { awk -F'|' -v l="$1" -v f="$2" '$2 == l { print $f }' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
if [[ -n "$(value track 4)" && -n "$(value bare-entity 4)" ]]; then
  echo "track / bare entity: $(ratio "$(value track 4)" "$(value bare-entity 4)") at the highest level held," \
    "$(ratio "$(value track 8)" "$(value bare-entity 8)") at peak (goal: >= 80%)"
fi
if [[ -n "$(value track-journeys 4)" && -n "$(value track 4)" ]]; then
  echo "track with five journeys / track without: $(ratio "$(value track-journeys 4)" "$(value track 4)") at the highest level held," \
    "$(ratio "$(value track-journeys 8)" "$(value track 8)") at peak (goal: >= 80%)"
fi
if [[ -n "$(value batch 4)" ]]; then
  echo "batch: $(value batch 4) events/s held, $(value batch 8) at peak (goal: > 20000)"
fi
echo "logs: $out"
